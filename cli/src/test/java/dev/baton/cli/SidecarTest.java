package dev.baton.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.LeaderHealthCheck;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.testkit.FaultInjectingResourceLock;
import dev.baton.testkit.fixture.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of {@code baton run} besides the command: the HTTP endpoints and the store's
 * reachability (on the in-memory lock, built here as the program builds its lock), and
 * {@code status --watch} (on PostgreSQL: the program refuses the in-memory lock).
 */
class SidecarTest {

  private static ResourceLock inMemory(String name, String identity) throws Exception {
    return ResourceLocks.newLock("inmemory", "cli", name, ResourceLockConfig.of(identity), ResourceLockOptions.defaults());
  }

  @Test
  @DisplayName("GET /leader gives the holder, the term's fencing token and the lease times; other paths 404, other methods 405; :0 prints a usable URL")
  void leaderEndpoint() throws Exception {
    ResourceLock lock = inMemory("sidecar-" + UUID.randomUUID(), "me");
    LeaderHealthCheck health = new LeaderHealthCheck(Duration.ofSeconds(5));
    LeaderElector elector = new LeaderElector(LeaderElectionConfig.builder().lock(lock).watchdog(health)
        .leaseDuration(Duration.ofSeconds(2)).renewDeadline(Duration.ofSeconds(1)).retryPeriod(Duration.ofMillis(200))
        .callbacks(new LeaderCallbacks() {
          @Override
          public void onStartedLeading(LeaderContext context) {
          }

          @Override
          public void onStoppedLeading() {
          }
        }).build());
    elector.start();
    try (LeaderHttpServer server = LeaderHttpServer.start(":0", elector, health, lock)) {
      Await.until(elector::isLeader, Duration.ofSeconds(10), "never led");
      assertTrue(server.url().startsWith("http://127.0.0.1:"), server.url());
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> leader = http.send(HttpRequest.newBuilder(URI.create(server.url() + "leader")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, leader.statusCode());
      String body = leader.body();
      assertTrue(body.startsWith("{\"identity\":\"me\",\"leader\":\"me\",\"isLeader\":true,\"state\":\"LEADING\""), body);
      assertTrue(body.matches(".*\"fencingToken\":\\d+,\"validForMillis\":\\d+,\"leaseDurationSeconds\":2,"
          + "\"acquireTime\":\"[^\"]+\",\"renewTime\":\"[^\"]+\",\"leaderTransitions\":\\d+}"), body);
      assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(server.url() + "nope")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(server.url() + "leader/x")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(server.url() + "leader"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
      assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
    } finally {
      elector.cancel().get();
    }
  }

  @Test
  @DisplayName("status --watch prints the holder, then each change of holder, at once with a watchable lock; --changes N ends it")
  void statusWatch() throws Exception {
    try (PostgresTable db = PostgresTable.create()) {
      String name = "watch-" + UUID.randomUUID();
      ResourceLock writer = db.lock(name, "writer");
      java.time.Instant t = java.time.Instant.parse("2030-01-01T00:00:00Z");
      writer.create(dev.baton.leaderelection.resourcelock.LeaderElectionRecord.of("alpha", 15, t, t, 0));
      java.util.List<String> status = new java.util.ArrayList<>(java.util.List.of("status"));
      status.addAll(db.flags(name));
      status.addAll(java.util.List.of("--watch", "--interval", "1h", "--changes", "2"));
      PrintStream out = System.out;
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      java.util.concurrent.CompletableFuture<Integer> watching;
      try {
        watching = java.util.concurrent.CompletableFuture.supplyAsync(() -> Main.run(status.toArray(String[]::new)));
        Await.until(() -> captured.toString(StandardCharsets.UTF_8).contains("holder alpha"), Duration.ofSeconds(10),
            "the first holder was not printed");
        writer.update(dev.baton.leaderelection.resourcelock.LeaderElectionRecord.of("alpha", 15, t, t.plusSeconds(2), 0));
        writer.update(dev.baton.leaderelection.resourcelock.LeaderElectionRecord.of("beta", 15, t, t, 1));
        Await.until(() -> captured.toString(StandardCharsets.UTF_8).contains("holder beta"), Duration.ofSeconds(10),
            "the change to beta was not printed at once (the poll interval is 1h)");
        writer.update(dev.baton.leaderelection.resourcelock.LeaderElectionRecord.of("", 1, t, t, 1));
        assertEquals(0, watching.get(10, java.util.concurrent.TimeUnit.SECONDS));
      } finally {
        System.setOut(out);
      }
      java.util.List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
      assertEquals(3, lines.size(), "a renewal is not a change of holder: " + lines);
      assertTrue(lines.get(0).endsWith(" holder alpha (transitions 0)"), lines.toString());
      assertTrue(lines.get(1).endsWith(" holder beta (transitions 1)"), lines.toString());
      assertTrue(lines.get(2).endsWith(" holder (none: released) (transitions 1)"), lines.toString());
    }
  }

  @Test
  @DisplayName("The operator is told once when the store stops answering and once when it answers again")
  void reachability() throws Exception {
    FaultInjectingResourceLock faulty = FaultInjectingResourceLock.wrap(inMemory("reach-" + UUID.randomUUID(), "me"));
    ResourceLock reporting = ReachabilityReport.wrap(faulty);
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      reporting.create(dev.baton.leaderelection.resourcelock.LeaderElectionRecord.of("me", 15, null, null, 0));
      faulty.setMode(FaultInjectingResourceLock.Mode.FAIL);
      for (int i = 0; i < 3; i++) {
        try {
          reporting.get();
        } catch (dev.baton.leaderelection.resourcelock.TransientLockException expected) {
          // the store is away
        }
      }
      faulty.setMode(FaultInjectingResourceLock.Mode.PASS);
      reporting.get();
      reporting.get();
    } finally {
      System.setErr(err);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertEquals(2, out.lines().count(), out);
    assertTrue(out.lines().toList().get(0).matches("\\d{4}-\\d\\d-\\d\\dT.*Z baton: the lock store does not answer: .*; retrying"), out);
    assertTrue(out.lines().toList().get(1).endsWith(" baton: the lock store answers again"), out);
  }
}
