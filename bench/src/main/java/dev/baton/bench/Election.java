package dev.baton.bench;

import dev.baton.leaderelection.ElectionRuntime;
import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Several candidates on one lock of a backend, on real time, recording when each starts leading. */
final class Election implements AutoCloseable {

  /** One candidate. */
  static final class Member {
    final String identity;
    final CountingLock lock;
    LeaderElector elector;
    final AtomicLong lastStartedNanos = new AtomicLong();
    final AtomicInteger terms = new AtomicInteger();
    final AtomicInteger stops = new AtomicInteger();
    volatile boolean leading;

    Member(String identity, CountingLock lock) {
      this.identity = identity;
      this.lock = lock;
    }

    @Override
    public String toString() {
      return identity;
    }
  }

  final List<Member> members = new ArrayList<>();
  final AtomicInteger overlaps = new AtomicInteger();
  private final AtomicInteger leadersNow = new AtomicInteger();

  Election(Backend backend, String lockName, int candidates, Timings timings, boolean releaseOnCancel) throws Exception {
    for (int i = 0; i < candidates; i++) {
      String identity = backend.name() + "-" + i;
      Member m = new Member(identity, CountingLock.wrap(backend.newLock(lockName, identity)));
      m.elector = new LeaderElector(LeaderElectionConfig.builder()
          .lock(m.lock.lock)
          .leaseDuration(timings.lease())
          .renewDeadline(timings.renew())
          .retryPeriod(timings.retry())
          .releaseOnCancel(releaseOnCancel)
          .runtime(ElectionRuntime.system())
          .callbacks(new LeaderCallbacks() {
            @Override
            public void onStartedLeading(LeaderContext context) {
              if (leadersNow.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              m.leading = true;
              m.lastStartedNanos.set(System.nanoTime());
              m.terms.incrementAndGet();
            }

            @Override
            public void onStoppedLeading() {
              if (m.leading) {
                m.leading = false;
                leadersNow.decrementAndGet();
              }
              m.stops.incrementAndGet();
            }
          })
          .build());
      members.add(m);
    }
  }

  void start() {
    members.forEach(m -> m.elector.start());
  }

  /** The member whose onStartedLeading ran and who still leads, waiting up to {@code limit}. */
  Member awaitLeader(Duration limit) {
    Member[] found = new Member[1];
    boolean ok = await(() -> {
      for (Member m : members) {
        if (m.leading) {
          found[0] = m;
          return true;
        }
      }
      return false;
    }, limit);
    if (!ok) {
      throw new IllegalStateException("no leader within " + limit + " among " + members);
    }
    return found[0];
  }

  /** Waits for a member other than {@code previous} to start leading after {@code afterNanos}; its start time. */
  Optional<Long> awaitNextStart(Member previous, long afterNanos, Duration limit) {
    long[] at = new long[1];
    boolean ok = await(() -> {
      for (Member m : members) {
        long started = m.lastStartedNanos.get();
        if (m != previous && m.leading && started - afterNanos > 0) {
          at[0] = started;
          return true;
        }
      }
      return false;
    }, limit);
    return ok ? Optional.of(at[0]) : Optional.empty();
  }

  static boolean await(BooleanSupplier condition, Duration limit) {
    return await(condition, limit, 200_000);
  }

  /** Waits for {@code condition}, checking it every {@code pollNanos}, at most {@code limit}. */
  static boolean await(BooleanSupplier condition, Duration limit, long pollNanos) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.parkNanos(pollNanos);
    }
    return true;
  }

  static void pause(Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    await(() -> System.nanoTime() - deadline >= 0, d.plusSeconds(1));
  }

  @Override
  public void close() throws Exception {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    members.forEach(m -> stops.add(m.elector.cancel()));
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }
}
