package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.testsupport.MockApiDispatcher;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Locale;
import org.junit.jupiter.api.TestInfo;

/**
 * The Kubernetes API the conformance kit runs on, with the watch capability in every test.
 *
 * <p>On fabric8's mock API server each test that uses a watch (the kit's Watch and Shared watches
 * groups, and the record-contract tests whose names say watch) gets a fresh mock server of its own,
 * where only its own few watchers ever come and go; every other test runs on the shared server with
 * locks that poll. On a real cluster every test runs on it with the watch. This keeps the kit apart
 * from the mock server's faults when watches end while their objects are written (a watch-event
 * write blocking in {@code VertxMockWebSocket awaitWrite}, a write left unanswered); {@link
 * MockApiDispatcher}, which every mock server here runs through, now removes their causes.
 */
final class KitApi implements AutoCloseable {
  private final KubernetesApi shared;
  /** This test's own mock server, when it uses a watch; closed when the next test starts. */
  private KubernetesApi own;

  KitApi(KubernetesApi shared) {
    this.shared = shared;
  }

  /** Before each test: closes the previous test's own server, and starts one if this test watches. */
  synchronized void beforeEach(TestInfo info) {
    closeOwn();
    if (shared.isMock() && usesWatch(info)) {
      own = KubernetesApi.mock(new MockApiDispatcher());
      warmUp(own.client());
    }
  }

  /**
   * One read of each kind and one watch opened and closed, before the test's clock starts: the kit
   * allows a cold client one slow call only in a test's first election, and a new server's first
   * HTTPS connection and websocket are slow on a busy machine.
   */
  private static void warmUp(KubernetesClient client) {
    client.leases().inNamespace("baton-kit").withName("warm-up").get();
    client.configMaps().inNamespace("baton-kit").withName("warm-up").get();
    Watch watch = client.configMaps().inNamespace("baton-kit").withName("warm-up").watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });
    watch.close();
  }

  private static boolean usesWatch(TestInfo info) {
    boolean watchGroup = info.getTestClass()
        .map(c -> c.getSimpleName().equals("Watch") || c.getSimpleName().equals("SharedWatches")).orElse(false);
    boolean watchTest = info.getTestMethod().map(m -> m.getName().toLowerCase(Locale.ROOT).contains("watch")).orElse(false);
    return watchGroup || watchTest;
  }

  /** The API of the running test. */
  synchronized KubernetesApi current() {
    return own != null ? own : shared;
  }

  /** {@code lock} as the running test gets it: with its watch where that is safe, else polling. */
  synchronized ResourceLock lock(ResourceLock lock) {
    return !shared.isMock() || own != null ? lock : KubernetesApi.withoutWatch(lock);
  }

  /**
   * Closes the previous test's own server on a daemon thread: a server whose websocket write stalled
   * takes 10 s to refuse to close ("Unable to close MockWebServer"), which must not fail or delay the
   * next test, which runs on a server of its own or the shared one.
   */
  private void closeOwn() {
    KubernetesApi old = own;
    own = null;
    if (old != null) {
      Thread closer = new Thread(() -> {
        try {
          old.close();
        } catch (RuntimeException e) {
          System.err.println("KitApi: a test's own mock API server did not close: " + e);
        }
      }, "kit-api-close");
      closer.setDaemon(true);
      closer.start();
    }
  }

  @Override
  public synchronized void close() {
    closeOwn();
    shared.close();
  }
}
