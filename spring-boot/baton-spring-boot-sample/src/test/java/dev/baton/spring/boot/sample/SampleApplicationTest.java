package dev.baton.spring.boot.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.spring.boot.Leadership;
import dev.baton.spring.boot.it.EtcdFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Two instances of the sample on etcd, as its README runs them, seen through their HTTP endpoints. */
class SampleApplicationTest {

  private static EtcdFixture etcd;
  private final String namespace = "sample-" + UUID.randomUUID();
  private final List<ConfigurableApplicationContext> instances = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdFixture.start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @AfterEach
  void stopInstances() {
    instances.forEach(ConfigurableApplicationContext::close);
  }

  private ConfigurableApplicationContext start(String identity) {
    // Command-line arguments, as a user would give them: they override application.properties.
    ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
        .run("--server.port=0", "--baton.identity=" + identity, "--baton.lock.namespace=" + namespace,
            "--baton.settings.etcd.endpoints=" + etcd.endpoints(), "--spring.main.register-shutdown-hook=false",
            "--spring.main.banner-mode=off");
    instances.add(context);
    return context;
  }

  private String get(ConfigurableApplicationContext context, String path) throws Exception {
    String port = context.getEnvironment().getProperty("local.server.port");
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
    return response.body();
  }

  @Test
  @DisplayName("Two instances: one leads and works, the endpoints tell leader from follower, stopping it hands over")
  void twoInstances() throws Exception {
    ConfigurableApplicationContext one = start("one");
    ConfigurableApplicationContext two = start("two");
    await().atMost(Duration.ofSeconds(20)).until(() -> one.getBean(Leadership.class).isLeader()
        || two.getBean(Leadership.class).isLeader());
    ConfigurableApplicationContext leader = one.getBean(Leadership.class).isLeader() ? one : two;
    ConfigurableApplicationContext follower = leader == one ? two : one;
    await().atMost(Duration.ofSeconds(10)).until(() -> leader.getBean(ReportJob.class).runs() > 0
        && leader.getBean(FencedStore.class).writes() > 0);

    assertThat(get(leader, "/actuator/health/leaderElection")).contains("\"status\":\"UP\"", "\"role\":\"leader\"",
        "\"fencingToken\":", "\"lastRenewal\":");
    assertThat(get(follower, "/actuator/health/leaderElection")).contains("\"status\":\"UP\"", "\"role\":\"follower\"",
        "\"leader\":\"" + leader.getBean(Leadership.class).identity() + "\"");
    assertThat(get(leader, "/actuator/info")).contains("\"leaderElection\":{\"role\":\"leader\"");
    assertThat(get(leader, "/actuator/metrics/leader_election_master_status")).contains("\"value\":1.0");
    assertThat(get(follower, "/actuator/metrics/leader_election_master_status")).contains("\"value\":0.0");
    assertThat(follower.getBean(ReportJob.class).runs()).isZero();
    assertThat(follower.getBean(FencedStore.class).writes()).isZero();

    leader.close();
    // The follower takes over within milliseconds, but ReportJob runs at a fixed rate of 5 s counted from
    // its context's start, and skips the ticks before the takeover: its first run as leader may come a
    // whole period after the takeover. 5 s here raced that tick (the CI run of 2026-11-30 lost by 30 ms).
    await().atMost(Duration.ofSeconds(5 + 5)).until(() -> follower.getBean(Leadership.class).isLeader()
        && follower.getBean(ReportJob.class).runs() > 0 && follower.getBean(FencedStore.class).writes() > 0);
  }
}
