package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock.RecordWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apiguardian.api.API;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The kit's group about watches that share a connection. A backend that serves many locks from
 * one client usually shares what it can between their watches (one etcd watch stream, one
 * ZooKeeper watch, one Kubernetes watch per namespace); this group proves that sharing invisible:
 * each watch delivers its own record's writes and no other's, and closing a watch or a lock never
 * disturbs another watch on the same connection. It runs for every backend with
 * {@link LockCapability#WATCH}, on the locks {@link #newLock} makes (which share a client where the
 * backend's hook gives them one).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public abstract class SharedWatchGroups extends LockConformanceSupport {

  /** Locks watched at once in {@code eachWatchGetsItsOwnWrites}, in each of the two namespaces. */
  private static final int WATCHED_LOCKS = 40;
  /** Watches opened and closed beside a running one in {@code churnBesideAWatch}. */
  private static final int CHURN_ROUNDS = 20;
  private static final Duration DELIVERY_LIMIT = Duration.ofSeconds(10);

  /** Watches of many locks on one connection: independent, whatever the backend shares between them. */
  @Nested
  @DisplayName("Shared watches")
  public class SharedWatches {

    @Test
    @DisplayName("Watches of many locks on one connection, in two namespaces, each deliver their own record's writes and no other's")
    void eachWatchGetsItsOwnWrites() throws Exception {
      assumeCapability(LockCapability.WATCH);
      List<Watched> watched = new ArrayList<>();
      try {
        for (String ns : List.of(namespace(), otherNamespace())) {
          // The same names in both namespaces: a watch that keys deliveries by name alone mixes them up.
          for (int i = 0; i < WATCHED_LOCKS; i++) {
            String name = "kit-shared-" + runId + "-" + i;
            watched.add(Watched.open(watchable(lockIn(ns, name, "w")), ns + "-" + i, ns, name));
          }
        }
        Map<Watched, LeaderElectionRecord> lastWritten = new HashMap<>();
        for (Watched w : watched) {
          ResourceLock writer = lockIn(w.namespace, w.name, "writer");
          writer.create(heldBy(w.tag, 0));
          LeaderElectionRecord last = heldBy(w.tag, 1);
          writer.update(last);
          lastWritten.put(w, last);
        }
        for (Watched w : watched) {
          LeaderElectionRecord last = lastWritten.get(w);
          assertTrue(time.awaitUntil(() -> w.sawRecord(last), DELIVERY_LIMIT).isPresent(),
              () -> "the watch of " + w.tag + " never delivered its own update " + last + "; it delivered " + w.seen);
        }
        for (Watched w : watched) {
          for (Optional<LeaderElectionRecord> r : w.seen) {
            assertTrue(r.isPresent() && r.get().holderIdentity().equals(w.tag),
                () -> "the watch of " + w.tag + " delivered " + r + ", a record of another lock (or a delete that never"
                    + " happened): deliveries of a shared connection reached the wrong lock. All it saw: " + w.seen);
          }
        }
      } finally {
        watched.forEach(Watched::close);
      }
    }

    @Test
    @DisplayName("Closing one watch, or the lock that opened it, never disturbs the other watches on the connection, and a closed watch delivers nothing more")
    void closingOneLeavesTheOthers() throws Exception {
      assumeCapability(LockCapability.WATCH);
      String first = uniqueName();
      String second = uniqueName();
      ResourceLock writerOne = lock(first, "writer");
      ResourceLock writerTwo = lock(second, "writer");
      writerOne.create(heldBy("one", 0));
      writerTwo.create(heldBy("two", 0));
      ResourceLock closedLock = lock(first, "closed-lock");
      Watched closedWatch = Watched.open(watchable(lock(first, "closed-watch")), "closed-watch");
      Watched byLock = Watched.open(watchable(closedLock), "by-lock");
      Watched sameKey = Watched.open(watchable(lock(first, "same-key")), "same-key");
      Watched otherKey = Watched.open(watchable(lock(second, "other-key")), "other-key");
      try {
        // Two candidates on one record: closing one's watch leaves the other's.
        closedWatch.close();
        LeaderElectionRecord one1 = heldBy("one", 1);
        writerOne.update(one1);
        awaitRecord(sameKey, one1, "after another watch of the same record was closed");
        awaitRecord(byLock, one1, "after another watch of the same record was closed");
        // Closing the lock itself (a candidate going away) must not end the watches of others.
        if (closedLock instanceof AutoCloseable closeable) {
          closeable.close();
        }
        byLock.close();
        LeaderElectionRecord one2 = heldBy("one", 2);
        LeaderElectionRecord two1 = heldBy("two", 1);
        writerOne.update(one2);
        writerTwo.update(two1);
        awaitRecord(sameKey, one2, "after another lock of the same record and its watch were closed");
        awaitRecord(otherKey, two1, "after the watches of another record on the connection were closed");
        // Writes after the close reached the open watches; the closed ones must not have delivered them.
        assertEquals(List.of(), closedWatch.seenAfterClose(),
            "a closed watch went on calling its listener with later writes");
        assertEquals(List.of(), byLock.seenAfterClose(),
            "the watch of a closed lock went on calling its listener with later writes");
        // The last watch of a record closing must not stop a new one from starting.
        sameKey.close();
        otherKey.close();
        Watched reopened = Watched.open(watchable(lock(first, "reopened")), "reopened");
        try {
          LeaderElectionRecord one3 = heldBy("one", 3);
          writerOne.update(one3);
          awaitRecord(reopened, one3, "opened after every other watch on the connection was closed");
        } finally {
          reopened.close();
        }
      } finally {
        List.of(closedWatch, byLock, sameKey, otherKey).forEach(Watched::close);
      }
    }

    @Test
    @DisplayName("A watch closed from inside its own listener stops at once, and the others on the connection go on")
    void closeFromInsideTheListener() throws Exception {
      assumeCapability(LockCapability.WATCH);
      String name = uniqueName();
      ResourceLock writer = lock(name, "writer");
      writer.create(heldBy("writer", 0));
      AtomicInteger calls = new AtomicInteger();
      AtomicReference<RecordWatch> self = new AtomicReference<>();
      RecordWatch closing = watchable(lock(name, "closing")).watch(r -> {
        calls.incrementAndGet();
        RecordWatch w = self.get();
        if (w != null) {
          w.close();
        }
      });
      self.set(closing);
      Watched other = Watched.open(watchable(lock(name, "other")), "other");
      try {
        LeaderElectionRecord first = heldBy("writer", 1);
        writer.update(first);
        awaitRecord(other, first, "while another watch closed itself in its listener");
        assertTrue(time.awaitUntil(() -> calls.get() > 0, DELIVERY_LIMIT).isPresent(),
            "the self-closing watch never delivered the update");
        LeaderElectionRecord second = heldBy("writer", 2);
        writer.update(second);
        awaitRecord(other, second, "after another watch closed itself in its listener");
        assertEquals(1, calls.get(), "a watch closed inside its listener was called again");
      } finally {
        closing.close();
        other.close();
      }
    }

    @Test
    @DisplayName("A watch keeps delivering every write while other watches on the connection open and close around it")
    void churnBesideAWatch() throws Exception {
      assumeCapability(LockCapability.WATCH);
      String name = uniqueName();
      ResourceLock writer = lock(name, "writer");
      writer.create(heldBy("steady", 0));
      Watched steady = Watched.open(watchable(lock(name, "steady")), "steady");
      try {
        for (int round = 1; round <= CHURN_ROUNDS; round++) {
          // Another record's watch and a second watch of this record, opened and closed around the write.
          Watched elsewhere = Watched.open(watchable(lock(uniqueName(), "elsewhere")), "elsewhere");
          Watched sameRecord = Watched.open(watchable(lock(name, "same-" + round)), "same");
          LeaderElectionRecord written = heldBy("steady", round);
          writer.update(written);
          elsewhere.close();
          sameRecord.close();
          awaitRecord(steady, written, "in churn round " + round + " of " + CHURN_ROUNDS);
        }
      } finally {
        steady.close();
      }
    }
  }

  /** A per-class run id, so the fixed names of {@code eachWatchGetsItsOwnWrites} are fresh per run. */
  private final String runId = uniqueName().substring(4, 12);

  private WatchableResourceLock watchable(ResourceLock lock) {
    return assertInstanceOf(WatchableResourceLock.class, lock,
        "the backend declares WATCH, so its locks must implement WatchableResourceLock");
  }

  private void awaitRecord(Watched w, LeaderElectionRecord expected, String when) {
    assertTrue(time.awaitUntil(() -> w.sawRecord(expected), DELIVERY_LIMIT).isPresent(),
        () -> "the watch '" + w.tag + "' never delivered " + expected + " " + when + "; it delivered " + w.seen);
  }

  /** One open watch and what it delivered (an empty Optional for a delete). */
  private static final class Watched {
    final String tag;
    final String namespace;
    final String name;
    final List<Optional<LeaderElectionRecord>> seen = new CopyOnWriteArrayList<>();
    private final List<Optional<LeaderElectionRecord>> afterClose = new CopyOnWriteArrayList<>();
    /** Set once {@code close()} of the watch has returned: the listener must not be called after that. */
    private volatile boolean closed;
    private RecordWatch watch;

    private Watched(String tag, String namespace, String name) {
      this.tag = tag;
      this.namespace = namespace;
      this.name = name;
    }

    static Watched open(WatchableResourceLock lock, String tag) throws Exception {
      return open(lock, tag, null, null);
    }

    /** Opens a watch on {@code lock}; namespace and name are those of the lock, or null where unused. */
    static Watched open(WatchableResourceLock lock, String tag, String namespace, String name) throws Exception {
      Watched w = new Watched(tag, namespace, name);
      w.watch = lock.watch(r -> {
        Optional<LeaderElectionRecord> record = Optional.ofNullable(r).map(o -> o.record());
        (w.closed ? w.afterClose : w.seen).add(record);
      });
      return w;
    }

    boolean sawRecord(LeaderElectionRecord expected) {
      return seen.contains(Optional.of(expected));
    }

    List<Optional<LeaderElectionRecord>> seenAfterClose() {
      return afterClose;
    }

    void close() {
      if (!closed) {
        watch.close();
        closed = true;
      }
    }
  }
}
