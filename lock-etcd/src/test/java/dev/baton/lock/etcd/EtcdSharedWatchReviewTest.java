package dev.baton.lock.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock.RecordWatch;
import dev.baton.testkit.fixture.Await;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shared watch under faults of its subscribers: a listener that throws an {@link Error}, a
 * listener that closes its own watch. One lock's listener must never cost another lock on the same
 * stream a delivery.
 */
class EtcdSharedWatchReviewTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(10); // a cold client on a loaded 2-core box
  static EtcdServer etcd;

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stopEtcd() {
    etcd.close();
  }

  private static Client newClient(String endpoints) {
    return Client.builder().endpoints(endpoints.split(",")).build();
  }

  private static EtcdLock lock(Client client, String namespace, String name) {
    return new EtcdLock(client, EtcdLockSettings.DEFAULT_PREFIX, namespace, name, ResourceLockConfig.of("r"), TIMEOUT);
  }

  private static String key(String namespace, String name) {
    return EtcdLock.key(EtcdLockSettings.DEFAULT_PREFIX, namespace, name);
  }

  private static ByteSequence record(String holder) {
    return ByteSequence.from(LeaderElectionRecordCodec.encode(LeaderElectionRecord.of(holder, 15, T, T, 0)));
  }

  private static void put(String key, String holder) throws Exception {
    etcd.client().getKVClient().put(EtcdServer.bytes(key), record(holder)).get(10, TimeUnit.SECONDS);
  }

  private static String holder(dev.baton.leaderelection.resourcelock.ObservedRecord r) {
    return r == null ? "deleted" : r.record().holderIdentity();
  }

  @Test
  @DisplayName("A listener throwing an Error does not cost another lock a write of the same etcd revision (one watch response)")
  void errorInOneListenerKeepsTheOthersWrites() throws Exception {
    String ns = "error-" + UUID.randomUUID();
    List<String> b = new CopyOnWriteArrayList<>();
    try (Client client = newClient(etcd.endpoints());
        EtcdLock lockA = lock(client, ns, "a");
        EtcdLock lockB = lock(client, ns, "b")) {
      lockA.watch(r -> {
        throw new AssertionError("a listener failing with an Error");
      });
      lockB.watch(r -> b.add(holder(r)));
      // One transaction: both events at one revision, in one watch response, a's first.
      etcd.client().getKVClient().txn()
          .Then(Op.put(EtcdServer.bytes(key(ns, "a")), record("a1"), PutOption.DEFAULT),
              Op.put(EtcdServer.bytes(key(ns, "b")), record("b1"), PutOption.DEFAULT))
          .commit().get(10, TimeUnit.SECONDS);
      put(key(ns, "b"), "b2");
      Await.until(() -> b.contains("b2"), Duration.ofSeconds(10), "b's second write, got " + b);
      assertEquals(List.of("b1", "b2"), b, "b's writes, the one sharing a's revision included");
    }
  }

  @Test
  @DisplayName("A listener throwing an Error during a resync does not stop the shared stream: later writes still reach the other locks")
  void errorInOneListenerDuringResyncKeepsTheStream() throws Exception {
    String ns = "error-resync-" + UUID.randomUUID();
    URI server = URI.create(etcd.endpoints().split(",")[0].trim());
    List<String> b = new CopyOnWriteArrayList<>();
    put(key(ns, "a"), "a0");
    put(key(ns, "b"), "b0");
    try (TcpProxy proxy = TcpProxy.to(server.getHost(), server.getPort());
        Client client = newClient("http://127.0.0.1:" + proxy.port());
        EtcdLock lockA = lock(client, ns, "a");
        EtcdLock lockB = lock(client, ns, "b")) {
      lockA.watch(r -> {
        throw new AssertionError("a listener failing with an Error");
      });
      lockB.watch(r -> b.add(holder(r)));
      proxy.setMode(ProxyMode.RESET);
      put(key(ns, "a"), "a1");
      put(key(ns, "b"), "b1");
      long head = etcd.client().getKVClient().get(EtcdServer.bytes(key(ns, "b"))).get(10, TimeUnit.SECONDS)
          .getHeader().getRevision();
      etcd.client().getKVClient().compact(head).get(10, TimeUnit.SECONDS);
      proxy.setMode(ProxyMode.PASS);
      Await.until(() -> b.contains("b1"), Duration.ofSeconds(15), "b's state from the resync, got " + b);
      put(key(ns, "b"), "b2");
      Await.until(() -> b.contains("b2"), Duration.ofSeconds(10), "a write after the resync, got " + b);
      assertEquals(List.of("b1", "b2"), b);
    }
  }

  @Test
  @DisplayName("A listener closing its own watch (the stream's last) returns, and a new watch on the client then works")
  void closeFromInsideTheListener() throws Exception {
    String ns = "self-close-" + UUID.randomUUID();
    AtomicReference<RecordWatch> handle = new AtomicReference<>();
    List<String> seen = new CopyOnWriteArrayList<>();
    try (Client client = newClient(etcd.endpoints());
        EtcdLock lock = lock(client, ns, "k")) {
      int openBefore = SharedEtcdWatch.openWatchers();
      handle.set(lock.watch(r -> {
        seen.add(holder(r));
        handle.get().close();
      }));
      put(key(ns, "k"), "v1");
      Await.until(() -> SharedEtcdWatch.subscribers(client, EtcdLockSettings.DEFAULT_PREFIX + "/" + ns + "/") == 0,
          Duration.ofSeconds(10), "the watch closed from its listener");
      put(key(ns, "k"), "v2");
      List<String> again = new CopyOnWriteArrayList<>();
      try (EtcdLock other = lock(client, ns, "k")) {
        other.watch(r -> again.add(holder(r)));
        put(key(ns, "k"), "v3");
        Await.until(() -> again.contains("v3"), Duration.ofSeconds(10), "a write to the new watch");
      }
      assertEquals(List.of("v1"), seen);
      assertEquals(openBefore, SharedEtcdWatch.openWatchers(), "every watcher closed");
      assertTrue(again.equals(List.of("v3")), "the new watch: " + again);
    }
  }

  @Test
  @DisplayName("A watch opened after a compaction, while the shared stream waits to resync, gets each later write, not only the last")
  void watchOpenedBeforeAResyncKeepsEachLaterWrite() throws Exception {
    String ns = "resync-join-" + UUID.randomUUID();
    URI server = URI.create(etcd.endpoints().split(",")[0].trim());
    List<String> c = new CopyOnWriteArrayList<>();
    put(key(ns, "a"), "a0");
    put(key(ns, "c"), "c0");
    try (TcpProxy proxy = TcpProxy.to(server.getHost(), server.getPort());
        Client client = newClient("http://127.0.0.1:" + proxy.port());
        EtcdLock lockA = lock(client, ns, "a");
        EtcdLock lockC = lock(client, ns, "c")) {
      List<String> a = new CopyOnWriteArrayList<>();
      lockA.watch(r -> a.add(holder(r))); // the stream runs
      proxy.setMode(ProxyMode.RESET);
      put(key(ns, "a"), "a1");
      put(key(ns, "a"), "a2"); // compacted past a1, the revision the stream goes on from: it must resync
      long head = etcd.client().getKVClient().get(EtcdServer.bytes(key(ns, "a"))).get(10, TimeUnit.SECONDS)
          .getHeader().getRevision();
      etcd.client().getKVClient().compact(head).get(10, TimeUnit.SECONDS);
      proxy.setMode(ProxyMode.PASS);
      // The stream's reopen is refused (compacted) and its resync waits on the retry thread (1 s
      // with this timeout); this watch opens meanwhile, after the compaction, and two writes follow.
      lockC.watch(r -> c.add(holder(r)));
      put(key(ns, "c"), "c1");
      put(key(ns, "c"), "c2");
      Await.until(() -> a.contains("a2"), Duration.ofSeconds(15), "the resync of the cut stream, got " + a);
      assertEquals(List.of("a2"), a, "a1 was compacted away: the resync gave the state");
      put(key(ns, "c"), "c3");
      Await.until(() -> c.contains("c3"), Duration.ofSeconds(10), "a write after the resync, got " + c);
      assertEquals(List.of("c1", "c2", "c3"), c, "each write after watch() returned; none was compacted");
    }
  }
}
