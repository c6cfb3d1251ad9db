package dev.baton.lock.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.etcd.jetcd.kv.GetResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shared watch: one etcd watch stream per client and namespace, however many locks watch, each
 * lock getting exactly its own key's writes, and every lock unaffected by another's closing, a cut
 * stream or a compaction. The stream count is proved twice: by the module's own counter and by
 * etcd's metrics.
 */
class EtcdSharedWatchTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
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

  private static byte[] record(String holder) {
    return LeaderElectionRecordCodec.encode(LeaderElectionRecord.of(holder, 15, T, T, 0));
  }

  private static void put(String key, String holder) throws Exception {
    etcd.put(key, record(holder));
  }

  private static void delete(String key) throws Exception {
    etcd.client().getKVClient().delete(EtcdServer.bytes(key)).get(10, TimeUnit.SECONDS);
  }

  /** etcd's gauge {@code name} from its {@code /metrics}, summed over the members. */
  private static long metric(String name) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE);
    long sum = 0;
    for (String endpoint : etcd.endpoints().split(",")) {
      String body = http.send(HttpRequest.newBuilder(URI.create(endpoint.trim() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = line.matcher(body);
      assertTrue(m.find(), name + " is not among etcd's metrics at " + endpoint);
      sum += (long) Double.parseDouble(m.group(1));
    }
    return sum;
  }

  private static String decoded(byte[] raw) {
    try {
      return holder(raw == null ? null : LeaderElectionRecordCodec.decode(raw, "test"));
    } catch (dev.baton.leaderelection.resourcelock.CorruptRecordException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String holder(dev.baton.leaderelection.resourcelock.ObservedRecord r) {
    return r == null ? "deleted" : r.record().holderIdentity();
  }

  @Test
  @DisplayName("1,000 locks on one client watched at once use one etcd watch stream; each gets its own writes and no other's")
  void thousandLocksOneStream() throws Exception {
    String ns = "thousand-" + UUID.randomUUID();
    int n = 1000;
    long streamsBefore = metric("etcd_debugging_mvcc_watch_stream_total");
    long watchersBefore = metric("etcd_debugging_mvcc_watcher_total");
    int openBefore = SharedEtcdWatch.openWatchers();
    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    List<EtcdLock> locks = new ArrayList<>();
    List<RecordWatch> watches = new ArrayList<>();
    try (Client client = newClient(etcd.endpoints())) {
      try {
        for (int i = 0; i < n; i++) {
          String name = "lock-" + i;
          EtcdLock lock = lock(client, ns, name);
          locks.add(lock);
          List<String> mine = new CopyOnWriteArrayList<>();
          seen.put(name, mine);
          watches.add(lock.watch(r -> mine.add(holder(r))));
        }
        assertEquals(openBefore + 1, SharedEtcdWatch.openWatchers(), "jetcd watchers held open by the module");
        assertEquals(n, SharedEtcdWatch.subscribers(client, EtcdLockSettings.DEFAULT_PREFIX + "/" + ns + "/"));
        Await.until(() -> metricUnchecked("etcd_debugging_mvcc_watch_stream_total") == streamsBefore + 1,
            Duration.ofSeconds(10), "etcd to count one more watch stream than the " + streamsBefore + " before");
        assertEquals(watchersBefore + 1, metric("etcd_debugging_mvcc_watcher_total"), "etcd's watchers");

        // Every key written once, by its own name, concurrently; a key outside the namespace too.
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          writes.add(etcd.client().getKVClient().put(EtcdServer.bytes(key(ns, "lock-" + i)),
              ByteSequence.from(record("lock-" + i))));
        }
        put(key(ns + "-other", "lock-0"), "other");
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        Await.until(() -> seen.values().stream().allMatch(l -> !l.isEmpty()), Duration.ofSeconds(20),
            "every lock's own write");
        put(key(ns, "lock-0"), "second");
        Await.until(() -> seen.get("lock-0").size() == 2, Duration.ofSeconds(10), "lock-0's second write");
        for (int i = 0; i < n; i++) {
          List<String> expected = i == 0 ? List.of("lock-0", "second") : List.of("lock-" + i);
          assertEquals(expected, seen.get("lock-" + i), "the deliveries of lock-" + i);
        }
      } finally {
        watches.forEach(RecordWatch::close);
        locks.forEach(EtcdLock::close);
      }
      assertEquals(openBefore, SharedEtcdWatch.openWatchers(), "the last watch closed closes the stream");
      assertEquals(0, SharedEtcdWatch.subscribers(client, EtcdLockSettings.DEFAULT_PREFIX + "/" + ns + "/"));
      Await.until(() -> metricUnchecked("etcd_debugging_mvcc_watch_stream_total") == streamsBefore,
          Duration.ofSeconds(10), "etcd to see the stream closed");
    }
  }

  private static long metricUnchecked(String name) {
    try {
      return metric(name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("Closing one lock (with its watch) or one watch leaves the other locks on the client delivering; a closed watch's listener is never called again")
  void closingOneLeavesTheOthers() throws Exception {
    String ns = "close-" + UUID.randomUUID();
    List<String> a = new CopyOnWriteArrayList<>();
    List<String> b = new CopyOnWriteArrayList<>();
    List<String> c = new CopyOnWriteArrayList<>();
    List<String> d = new CopyOnWriteArrayList<>();
    try (Client client = newClient(etcd.endpoints());
        EtcdLock lockA = lock(client, ns, "shared");   // two candidates' locks on one key
        EtcdLock lockB = lock(client, ns, "shared");
        EtcdLock lockC = lock(client, ns, "other");
        EtcdLock lockD = lock(client, ns, "other")) {
      lockA.watch(r -> a.add(holder(r)));
      RecordWatch watchB = lockB.watch(r -> b.add(holder(r)));
      lockC.watch(r -> c.add(holder(r)));
      RecordWatch watchD = lockD.watch(r -> d.add(holder(r)));
      put(key(ns, "shared"), "s1");
      put(key(ns, "other"), "o1");
      Await.until(() -> a.size() == 1 && b.size() == 1 && c.size() == 1 && d.size() == 1, Duration.ofSeconds(10),
          "the first writes everywhere");

      lockA.close(); // the lock closes its own watch
      watchD.close();
      put(key(ns, "shared"), "s2");
      put(key(ns, "other"), "o2");
      Await.until(() -> b.size() == 2 && c.size() == 2, Duration.ofSeconds(10), "the second writes to the others");
      assertEquals(List.of("s1", "s2"), b);
      assertEquals(List.of("o1", "o2"), c);
      assertEquals(List.of("s1"), a, "closed with its lock");
      assertEquals(List.of("o1"), d, "closed");
      assertEquals(2, SharedEtcdWatch.subscribers(client, EtcdLockSettings.DEFAULT_PREFIX + "/" + ns + "/"),
          "B and C still subscribed");
      watchB.close();
      lockC.close();
      assertEquals(0, SharedEtcdWatch.subscribers(client, EtcdLockSettings.DEFAULT_PREFIX + "/" + ns + "/"));
    }
  }

  @Test
  @DisplayName("A watch closed while writes stream in is never called after close() returns, and the others keep every write")
  void closeRacesDeliveries() throws Exception {
    String ns = "race-" + UUID.randomUUID();
    int writes = 300;
    AtomicBoolean calledAfterClose = new AtomicBoolean();
    try (Client client = newClient(etcd.endpoints());
        EtcdLock keeper = lock(client, ns, "k")) {
      List<String> kept = new CopyOnWriteArrayList<>();
      keeper.watch(r -> kept.add(holder(r)));
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 1; i <= writes; i++) {
            put(key(ns, "k"), "v" + i);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      int closedWatches = 0;
      while (!writer.isDone()) {
        try (EtcdLock transient_ = lock(client, ns, "k")) {
          AtomicBoolean closed = new AtomicBoolean();
          RecordWatch w = transient_.watch(r -> {
            if (closed.get()) {
              calledAfterClose.set(true); // called after close() returned
            }
            sleepQuietly(1); // widen the window of a delivery in flight
            if (closed.get()) {
              calledAfterClose.set(true); // close() returned while this delivery was still running
            }
          });
          Thread.sleep(5);
          w.close();
          closed.set(true);
          closedWatches++;
        }
      }
      writer.get(30, TimeUnit.SECONDS);
      Await.until(() -> kept.size() == writes, Duration.ofSeconds(10), "every write to the watch left open");
      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= writes; i++) {
        expected.add("v" + i);
      }
      assertEquals(expected, kept);
      assertTrue(closedWatches > 5, "only " + closedWatches + " watches opened and closed during the writes");
      assertFalse(calledAfterClose.get(), "a listener ran after its watch's close() returned");
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  @DisplayName("Watches opened on the running shared stream while writes land each deliver every write after watch() returned, once, in order")
  void knownPointOnARunningStream() throws Exception {
    String ns = "known-" + UUID.randomUUID();
    int writes = 400;
    AtomicInteger acknowledged = new AtomicInteger();
    try (Client client = newClient(etcd.endpoints());
        EtcdLock first = lock(client, ns, "k")) {
      first.watch(r -> { }); // the stream is running before the others subscribe
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 1; i <= writes; i++) {
            put(key(ns, "k"), Integer.toString(i));
            acknowledged.set(i);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      record Opened(int acknowledgedAtReturn, List<Integer> seen) {
      }
      List<Opened> opened = new ArrayList<>();
      List<EtcdLock> locks = new ArrayList<>();
      try {
        while (!writer.isDone()) {
          EtcdLock lock = lock(client, ns, "k");
          locks.add(lock);
          List<Integer> seen = new CopyOnWriteArrayList<>();
          lock.watch(r -> seen.add(r == null ? -1 : Integer.parseInt(holder(r))));
          opened.add(new Opened(acknowledged.get(), seen));
          Thread.sleep(3);
        }
        writer.get(30, TimeUnit.SECONDS);
        assertTrue(opened.size() > 10, "only " + opened.size() + " watches opened during the writes");
        for (Opened o : opened) {
          Await.until(() -> !o.seen().isEmpty() && o.seen().get(o.seen().size() - 1) == writes || o.acknowledgedAtReturn() == writes,
              Duration.ofSeconds(10), "the last write on a watch opened at " + o.acknowledgedAtReturn());
          List<Integer> s = o.seen();
          int from = s.isEmpty() ? writes + 1 : s.get(0);
          // Read after watch() returned, acknowledged = i means write i + 2 had not started then: it
          // was committed after the return and must be delivered (write i + 1 may have been
          // committed before the anchor read, unacknowledged yet).
          assertTrue(from <= o.acknowledgedAtReturn() + 2, "a watch returned before write "
              + (o.acknowledgedAtReturn() + 2) + " started began with " + from + ": " + s);
          for (int i = 0; i < s.size(); i++) {
            assertEquals(from + i, s.get(i), "each write once, in order, on the watch opened at "
                + o.acknowledgedAtReturn() + ": " + s);
          }
        }
      } finally {
        locks.forEach(EtcdLock::close);
      }
    }
  }

  @Test
  @DisplayName("Two first subscribers racing: one anchored before the stream's start reads again, and both miss nothing")
  void racingFirstSubscribers() throws Exception {
    String ns = "first-" + UUID.randomUUID();
    String directory = EtcdLockSettings.DEFAULT_PREFIX + "/" + ns + "/";
    ByteSequence k = EtcdServer.bytes(key(ns, "k"));
    List<String> one = new CopyOnWriteArrayList<>();
    List<String> two = new CopyOnWriteArrayList<>();
    try (Client client = newClient(etcd.endpoints())) {
      SharedEtcdWatch.Subscription s1 = SharedEtcdWatch.subscribe(client, directory, k, TIMEOUT,
          b -> one.add(decoded(b)));
      SharedEtcdWatch.Subscription s2 = SharedEtcdWatch.subscribe(client, directory, k, TIMEOUT,
          b -> two.add(decoded(b)));
      try {
        GetResponse older = client.getKVClient().get(k).get(10, TimeUnit.SECONDS);
        put(key(ns, "k"), "between");
        GetResponse newer = client.getKVClient().get(k).get(10, TimeUnit.SECONDS);
        assertTrue(s2.anchor(newer), "the first anchor opens the stream");
        assertFalse(s1.anchor(older), "an anchor older than the stream's start must read again");
        assertTrue(s1.anchor(client.getKVClient().get(k).get(10, TimeUnit.SECONDS)));
        put(key(ns, "k"), "after");
        Await.until(() -> one.contains("after") && two.contains("after"), Duration.ofSeconds(10), "the write after");
        assertEquals(List.of("after"), one);
        assertEquals(List.of("after"), two);
      } finally {
        s1.close();
        s2.close();
      }
    }
  }

  @Test
  @DisplayName("Events the running stream hands a subscription before its anchor are kept: those after the read delivered, those before dropped")
  void eventsBeforeTheAnchorAreBuffered() throws Exception {
    String ns = "buffer-" + UUID.randomUUID();
    String directory = EtcdLockSettings.DEFAULT_PREFIX + "/" + ns + "/";
    ByteSequence k = EtcdServer.bytes(key(ns, "k"));
    List<String> running = new CopyOnWriteArrayList<>();
    List<String> late = new CopyOnWriteArrayList<>();
    try (Client client = newClient(etcd.endpoints());
        EtcdLock first = lock(client, ns, "k")) {
      first.watch(r -> running.add(holder(r))); // the stream runs
      SharedEtcdWatch.Subscription sub = SharedEtcdWatch.subscribe(client, directory, k, TIMEOUT,
          b -> late.add(decoded(b)));
      try {
        put(key(ns, "k"), "before-read");
        Await.until(() -> running.contains("before-read"), Duration.ofSeconds(10), "the stream to dispatch it");
        GetResponse read = client.getKVClient().get(k).get(10, TimeUnit.SECONDS);
        put(key(ns, "k"), "after-read");
        // Dispatched to the subscription (not anchored yet) before its anchor is applied.
        Await.until(() -> running.contains("after-read"), Duration.ofSeconds(10), "the stream to dispatch it");
        assertTrue(late.isEmpty(), "nothing is delivered before the anchor: " + late);
        assertTrue(sub.anchor(read));
        assertEquals(List.of("after-read"), late, "the write after the anchor read, from the buffer; not the one before");
        put(key(ns, "k"), "later");
        Await.until(() -> late.size() == 2, Duration.ofSeconds(10), "a later write");
        assertEquals(List.of("after-read", "later"), late);
      } finally {
        sub.close();
      }
    }
  }

  @Test
  @DisplayName("A cut stream is opened again, once, from the next revision: every lock gets each write made while it was cut")
  void cutStreamReplays() throws Exception {
    String ns = "cut-" + UUID.randomUUID();
    URI server = URI.create(etcd.endpoints().split(",")[0].trim());
    int n = 5;
    List<List<String>> seen = new ArrayList<>();
    try (TcpProxy proxy = TcpProxy.to(server.getHost(), server.getPort());
        Client client = newClient("http://127.0.0.1:" + proxy.port())) {
      List<EtcdLock> locks = new ArrayList<>();
      try {
        int openBefore = SharedEtcdWatch.openWatchers();
        for (int i = 0; i < n; i++) {
          EtcdLock lock = lock(client, ns, "k" + i);
          locks.add(lock);
          List<String> mine = new CopyOnWriteArrayList<>();
          seen.add(mine);
          lock.watch(r -> mine.add(holder(r)));
        }
        for (int i = 0; i < n; i++) {
          put(key(ns, "k" + i), "a");
        }
        Await.until(() -> seen.stream().allMatch(l -> l.size() == 1), Duration.ofSeconds(10), "the first writes");
        long openedBeforeCut = SharedEtcdWatch.watchersOpened();

        proxy.setMode(ProxyMode.RESET);
        for (int i = 0; i < n; i++) {
          put(key(ns, "k" + i), "b");
          put(key(ns, "k" + i), "c");
        }
        delete(key(ns, "k0"));
        Thread.sleep(500); // several failed reopen attempts while cut
        proxy.setMode(ProxyMode.PASS);

        Await.until(() -> seen.get(0).size() == 4 && seen.stream().skip(1).allMatch(l -> l.size() == 3),
            Duration.ofSeconds(15), "the writes made while cut, got " + seen);
        assertEquals(List.of("a", "b", "c", "deleted"), seen.get(0));
        for (int i = 1; i < n; i++) {
          assertEquals(List.of("a", "b", "c"), seen.get(i), "k" + i);
        }
        assertTrue(SharedEtcdWatch.watchersOpened() > openedBeforeCut, "the stream was opened again");
        assertEquals(openBefore + 1, SharedEtcdWatch.openWatchers(), "still one stream for the five locks");
        put(key(ns, "k1"), "d");
        Await.until(() -> seen.get(1).size() == 4, Duration.ofSeconds(10), "a write after the reopen");
      } finally {
        locks.forEach(EtcdLock::close);
      }
    }
  }

  @Test
  @DisplayName("After a compaction under a cut stream, the resync delivers each changed key's current state, deletes included, and nothing for unchanged keys")
  void compactionResyncDeliversDeletes() throws Exception {
    String ns = "compact-" + UUID.randomUUID();
    URI server = URI.create(etcd.endpoints().split(",")[0].trim());
    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    List<String> names = List.of("deleted", "updated", "unchanged", "recreated", "created");
    try (TcpProxy proxy = TcpProxy.to(server.getHost(), server.getPort());
        Client client = newClient("http://127.0.0.1:" + proxy.port())) {
      List<EtcdLock> locks = new ArrayList<>();
      try {
        for (String name : names) {
          if (!name.equals("created")) {
            put(key(ns, name), "a");
          }
        }
        for (String name : names) {
          EtcdLock lock = lock(client, ns, name);
          locks.add(lock);
          List<String> mine = new CopyOnWriteArrayList<>();
          seen.put(name, mine);
          lock.watch(r -> mine.add(holder(r)));
        }
        proxy.setMode(ProxyMode.RESET);
        delete(key(ns, "deleted"));
        put(key(ns, "updated"), "b");
        put(key(ns, "updated"), "c");
        delete(key(ns, "recreated"));
        put(key(ns, "recreated"), "a"); // same bytes, new mod revision: a change
        put(key(ns, "created"), "new");
        long head = etcd.client().getKVClient().get(EtcdServer.bytes(key(ns, "created"))).get(10, TimeUnit.SECONDS)
            .getHeader().getRevision();
        etcd.client().getKVClient().compact(head).get(10, TimeUnit.SECONDS);
        proxy.setMode(ProxyMode.PASS);

        Await.until(() -> !seen.get("deleted").isEmpty() && !seen.get("updated").isEmpty()
            && !seen.get("recreated").isEmpty() && !seen.get("created").isEmpty(), Duration.ofSeconds(15),
            "the resync's deliveries, got " + seen);
        put(key(ns, "unchanged"), "z");
        Await.until(() -> !seen.get("unchanged").isEmpty(), Duration.ofSeconds(10), "a write after the resync");
        assertEquals(List.of("deleted"), seen.get("deleted"));
        assertEquals(List.of("c"), seen.get("updated"), "b was compacted away");
        assertEquals(List.of("a"), seen.get("recreated"));
        assertEquals(List.of("new"), seen.get("created"));
        assertEquals(List.of("z"), seen.get("unchanged"), "nothing from the resync for an unchanged key");
      } finally {
        locks.forEach(EtcdLock::close);
      }
    }
  }

  @Test
  @DisplayName("A resync of a namespace larger than one page reads every page: keys on the second page are neither lost nor taken as deleted")
  void resyncReadsEveryPage() throws Exception {
    String ns = "pages-" + UUID.randomUUID();
    int n = SharedEtcdWatch.RESYNC_PAGE + 100;
    URI server = URI.create(etcd.endpoints().split(",")[0].trim());
    Map<Integer, List<String>> seen = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      writes.add(etcd.client().getKVClient().put(EtcdServer.bytes(key(ns, String.format("k%04d", i))),
          ByteSequence.from(record("a"))));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    try (TcpProxy proxy = TcpProxy.to(server.getHost(), server.getPort());
        Client client = newClient("http://127.0.0.1:" + proxy.port())) {
      List<EtcdLock> locks = new ArrayList<>();
      try {
        for (int i = 0; i < n; i++) {
          EtcdLock lock = lock(client, ns, String.format("k%04d", i));
          locks.add(lock);
          List<String> mine = new CopyOnWriteArrayList<>();
          seen.put(i, mine);
          lock.watch(r -> mine.add(holder(r)));
        }
        proxy.setMode(ProxyMode.RESET);
        delete(key(ns, "k0000"));                     // first page
        put(key(ns, String.format("k%04d", n - 1)), "changed"); // second page
        long head = etcd.client().getKVClient().get(EtcdServer.bytes(key(ns, "k0001"))).get(10, TimeUnit.SECONDS)
            .getHeader().getRevision();
        etcd.client().getKVClient().compact(head).get(10, TimeUnit.SECONDS);
        proxy.setMode(ProxyMode.PASS);

        Await.until(() -> !seen.get(0).isEmpty() && !seen.get(n - 1).isEmpty(), Duration.ofSeconds(15),
            "the resync's deliveries on both pages");
        put(key(ns, "k0001"), "after");
        Await.until(() -> !seen.get(1).isEmpty(), Duration.ofSeconds(10), "a write after the resync");
        assertEquals(List.of("deleted"), seen.get(0));
        assertEquals(List.of("changed"), seen.get(n - 1));
        assertEquals(List.of("after"), seen.get(1));
        for (int i = 2; i < n - 1; i++) {
          assertEquals(List.of(), seen.get(i), "k" + i + " did not change");
        }
      } finally {
        locks.forEach(EtcdLock::close);
      }
    }
  }
}
