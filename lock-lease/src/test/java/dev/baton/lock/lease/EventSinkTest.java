package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testkit.fixture.Await;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Events are written in the background: recording one never waits for the API server. */
class EventSinkTest {

  @Test
  @DisplayName("Recording an Event returns at once against an API server that never answers; past the queue's capacity Events are dropped")
  void neverWaitsForTheServer() throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
            .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort()).withRequestTimeout(3_000)
            .withRequestRetryBackoffLimit(0).build()).build()) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            accepted.add(silent.accept());   // and never answer
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      EventSink sink = new EventSink(2, Duration.ofSeconds(1));
      Event event = new EventBuilder().withNewMetadata().withName("e").withNamespace("locks").endMetadata().build();

      long start = System.nanoTime();
      assertTrue(sink.post(client, event, "first"));
      Await.until(() -> !accepted.isEmpty(), Duration.ofSeconds(10), "the writer's request to reach the server");
      assertTrue(sink.post(client, event, "second"));
      assertTrue(sink.post(client, event, "third"));
      assertFalse(sink.post(client, event, "fourth"), "a fourth Event fitted in a queue of two behind a hung write");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "posting waited for the server: " + took);
      assertEquals(2, sink.queued());
      // The hung writes time out (3 s each) and are logged; the queue drains.
      Await.until(() -> sink.queued() == 0, Duration.ofSeconds(30), "the queue to drain after the writes timed out");
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  @DisplayName("The recorder's Event reaches a live API server from the background writer")
  void writesInTheBackground() throws Exception {
    KubernetesApi api = KubernetesApi.start();
    try {
      api.ensureNamespace("locks");
      String name = "l-" + UUID.randomUUID().toString().substring(0, 8);
      Lease lease = api.client().resource(new LeaseBuilder().withNewMetadata().withName(name).withNamespace("locks")
          .endMetadata().build()).create();
      new KubernetesEventRecorder(api.client(), "pod-1").eventf(lease, "Normal", "LeaderElection", "%s %s", "pod-1",
          "became leader");
      Await.until(() -> api.client().resources(Event.class).inNamespace("locks").list().getItems().stream()
          .anyMatch(e -> e.getRegarding().getName().equals(name)), Duration.ofSeconds(10), "the Event about " + name);
      Event written = api.client().resources(Event.class).inNamespace("locks").list().getItems().stream()
          .filter(e -> e.getRegarding().getName().equals(name)).findFirst().orElseThrow();
      assertEquals("pod-1 became leader", written.getNote());
      assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("baton-events")),
          "the Event was not written by the baton-events thread");
    } finally {
      api.close();
    }
  }
}
