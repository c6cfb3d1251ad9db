package dev.baton.leaderelection.resourcelock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AbstractResourceLockTest {
  private static final Duration TIMEOUT = Duration.ofMillis(1500);
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  private final KvStore store = new KvStore();

  private KvLock lock(String identity) {
    return new KvLock(store, "ns", "app", ResourceLockConfig.of(identity), TIMEOUT);
  }

  private static LeaderElectionRecord record(String holder, int transitions) {
    return LeaderElectionRecord.of(holder, 15, T0, T0.plusSeconds(transitions), transitions);
  }

  /** A lock that only tests the parts a subclass does not write: no store calls. */
  private static final class BareLock extends AbstractResourceLock<String> {
    BareLock(ResourceLockConfig config, Duration timeout, AutoCloseable ownedClient) {
      super("ns", "bare", config, timeout, ownedClient);
    }

    @Override
    public ObservedRecord get() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void create(LeaderElectionRecord record) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void update(LeaderElectionRecord record) {
      throw new UnsupportedOperationException();
    }
  }

  @Nested
  @DisplayName("Identity, description and events")
  class Describing {

    @Test
    @DisplayName("identity() is the config's; describe() is namespace/name with the backend's hint in brackets")
    void identityAndDescribe() {
      KvLock lock = lock("pod-1");
      assertEquals("pod-1", lock.identity());
      assertEquals("ns/app (kv key ns/app)", lock.describe());
      assertEquals("ns", lock.namespace());
      assertEquals("app", lock.name());
      assertEquals("KvLock{ns/app (kv key ns/app), identity=pod-1}", lock.toString());
      assertEquals("ns/bare", new BareLock(ResourceLockConfig.of("x"), null, null).describe(),
          "without a hint, describe() is namespace/name alone");
    }

    @Test
    @DisplayName("recordEvent goes through the config's recorder as client-go's locks do, and never throws")
    void events() {
      List<String> events = new ArrayList<>();
      KvLock lock = new KvLock(store, "ns", "app", new ResourceLockConfig("pod-1",
          (obj, type, reason, fmt, args) -> events.add(obj + "|" + type + "|" + reason + "|" + String.format(fmt, args))),
          TIMEOUT);
      lock.recordEvent("became leader");
      assertEquals(List.of("ns/app (kv key ns/app)|Normal|LeaderElection|pod-1 became leader"), events);

      KvLock failing = new KvLock(store, "ns", "app", new ResourceLockConfig("pod-1", (obj, type, reason, fmt, args) -> {
        throw new IllegalStateException("event sink down");
      }), TIMEOUT);
      assertDoesNotThrow(() -> failing.recordEvent("stopped leading"));
    }

    @Test
    @DisplayName("clientTimeout() reports the bound given; none is empty, and a non-positive one is refused")
    void clientTimeout() {
      assertEquals(Optional.of(TIMEOUT), lock("a").clientTimeout());
      BareLock unbounded = new BareLock(ResourceLockConfig.of("a"), null, null);
      assertEquals(Optional.empty(), unbounded.clientTimeout());
      IllegalStateException none = assertThrows(IllegalStateException.class, unbounded::timeout);
      assertTrue(none.getMessage().contains("ns/bare"), none.getMessage());
      assertThrows(IllegalArgumentException.class, () -> new BareLock(ResourceLockConfig.of("a"), Duration.ZERO, null));
    }
  }

  @Nested
  @DisplayName("The compare-and-set version")
  class Versions {

    @Test
    @DisplayName("update before get or create is an IllegalStateException naming the lock")
    void updateBeforeGet() {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> lock("a").update(record("a", 0)));
      assertEquals("update() on ns/app (kv key ns/app) before get() or create(): the lock has no version to compare "
          + "against; call get() first", e.getMessage());
    }

    @Test
    @DisplayName("create, get and update remember the version written or read; revision() follows it")
    void remembers() throws LockException {
      KvLock a = lock("a");
      KvLock b = lock("b");
      assertEquals(OptionalLong.empty(), a.revision());
      a.create(record("a", 0));
      long created = a.revision().orElseThrow();
      assertEquals(created, store.read("ns/app", TIMEOUT).version());

      assertEquals("a", b.get().record().holderIdentity());
      assertEquals(OptionalLong.of(created), b.revision());
      b.update(record("b", 1));
      assertTrue(b.revision().orElseThrow() > created, "the revision grows with the write");

      UpdateConflictException lost = assertThrows(UpdateConflictException.class, () -> a.update(record("a", 2)));
      assertTrue(lost.getMessage().contains("no longer at version " + created), lost.getMessage());
      assertEquals(OptionalLong.of(created), a.revision(), "a lost race keeps the version last read or written");
      assertEquals("b", a.get().record().holderIdentity());
      a.update(record("a", 2));
      assertEquals("a", b.get().record().holderIdentity());
    }

    @Test
    @DisplayName("After a get that finds a corrupt record, update refuses and the corrupt bytes stay, even at the same version")
    void corruptRecordIsNeverOverwritten() throws LockException {
      KvLock a = lock("a");
      a.create(record("a", 0));
      byte[] corrupt = "{\"holderIdentity\": 42".getBytes(StandardCharsets.UTF_8);
      // Written around the lock without a new version: only the lock's own bookkeeping stops the overwrite.
      store.plantKeepingVersion("ns/app", corrupt);

      CorruptRecordException read = assertThrows(CorruptRecordException.class, a::get);
      assertTrue(read.getMessage().contains("ns/app (kv key ns/app)"), read.getMessage());
      assertEquals(OptionalLong.empty(), a.revision(), "a corrupt read leaves no version");
      UpdateConflictException refused = assertThrows(UpdateConflictException.class, () -> a.update(record("a", 1)));
      assertTrue(refused.getMessage().contains("corrupt"), refused.getMessage());
      assertArrayEquals(corrupt, store.raw("ns/app"));

      byte[] repaired = LeaderElectionRecordCodec.encode(record("", 0));
      store.plantKeepingVersion("ns/app", repaired);
      assertEquals("", a.get().record().holderIdentity());
      a.update(record("a", 1));
      assertEquals("a", lock("c").get().record().holderIdentity(), "a valid read arms update again");
    }
  }

  @Nested
  @DisplayName("The watch delivery step")
  class Delivery {

    @Test
    @DisplayName("Bytes are decoded and delivered; null is delivered as a deletion")
    void delivers() {
      List<ObservedRecord> seen = new ArrayList<>();
      Consumer<byte[]> deliver = lock("a").deliveries(seen::add);
      byte[] raw = LeaderElectionRecordCodec.encode(record("b", 3));
      deliver.accept(raw);
      deliver.accept(null);
      assertEquals(2, seen.size());
      assertEquals("b", seen.get(0).record().holderIdentity());
      assertArrayEquals(raw, seen.get(0).raw());
      assertNull(seen.get(1));
    }

    @Test
    @DisplayName("A corrupt record is skipped with one log line; a listener that throws is logged and later changes still arrive")
    void skipsAndSurvives() {
      List<String> seen = new ArrayList<>();
      AtomicInteger calls = new AtomicInteger();
      Consumer<byte[]> deliver = lock("a").deliveries(change -> {
        if (calls.incrementAndGet() == 1) {
          throw new IllegalStateException("listener bug");
        }
        seen.add(change.record().holderIdentity());
      });
      List<String> corruptLines;
      List<String> failureLines;
      try (StandardErrorCapture log = StandardErrorCapture.start()) {
        deliver.accept("not json".getBytes(StandardCharsets.UTF_8));
        deliver.accept(LeaderElectionRecordCodec.encode(record("first", 1)));
        deliver.accept(LeaderElectionRecordCodec.encode(record("second", 2)));
        corruptLines = log.linesContaining("not delivering a corrupt record");
        failureLines = log.linesContaining("watch listener failed");
      }
      assertEquals(1, corruptLines.size(), corruptLines.toString());
      assertTrue(corruptLines.get(0).contains("KvLock") && corruptLines.get(0).contains("ns/app (kv key ns/app)"),
          "logged under the backend's class, naming the lock: " + corruptLines);
      assertEquals(1, failureLines.size(), failureLines.toString());
      assertTrue(failureLines.get(0).contains("WARN") && failureLines.get(0).contains("listener bug"), failureLines.get(0));
      assertEquals(2, calls.get(), "the corrupt record never reached the listener");
      assertEquals(List.of("second"), seen, "the change after the failing one was delivered");
    }

    @Test
    @DisplayName("A listener that throws an Error (an assertion, say) is logged too and does not stop the delivery step; a VirtualMachineError passes")
    void errorsStayInTheDelivery() {
      AtomicInteger calls = new AtomicInteger();
      Consumer<byte[]> deliver = lock("a").deliveries(change -> {
        if (calls.incrementAndGet() == 1) {
          throw new AssertionError("listener assertion");
        }
        if (calls.get() == 3) {
          throw new OutOfMemoryError("simulated");
        }
      });
      List<String> failureLines;
      try (StandardErrorCapture log = StandardErrorCapture.start()) {
        deliver.accept(LeaderElectionRecordCodec.encode(record("first", 1)));
        deliver.accept(LeaderElectionRecordCodec.encode(record("second", 2)));
        failureLines = log.linesContaining("watch listener failed");
        assertThrows(OutOfMemoryError.class, () -> deliver.accept(LeaderElectionRecordCodec.encode(record("third", 3))));
      }
      assertEquals(1, failureLines.size(), failureLines.toString());
      assertTrue(failureLines.get(0).contains("listener assertion"), failureLines.get(0));
      assertEquals(3, calls.get());
    }
  }

  @Nested
  @DisplayName("The client's life")
  class Closing {

    @Test
    @DisplayName("close() closes the client the lock made, once, and swallows its failure")
    void closesOwnClient() {
      AtomicInteger closes = new AtomicInteger();
      BareLock lock = new BareLock(ResourceLockConfig.of("a"), TIMEOUT, () -> {
        closes.incrementAndGet();
        throw new java.io.IOException("already gone");
      });
      assertDoesNotThrow(lock::close);
      assertDoesNotThrow(lock::close);
      assertEquals(1, closes.get());
    }
  }
}
