package dev.baton.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The reference: fabric8's own LeaderElector on a Lease of the same mock API server, measured the same way. */
final class Fabric8Reference {
  private final Timings timings;
  private final int samples;
  private final Duration steadyState;
  private final Random random = new Random(1);

  Fabric8Reference(Timings timings, int samples, Duration steadyState) {
    this.timings = timings;
    this.samples = samples;
    this.steadyState = steadyState;
  }

  /** fabric8's LeaseLock, counting requests and remembering the last successful write. */
  static final class CountingLeaseLock extends LeaseLock {
    final AtomicLong reads = new AtomicLong();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong lastWriteNanos = new AtomicLong();

    CountingLeaseLock(String namespace, String name, String identity) {
      super(namespace, name, identity);
    }

    @Override
    public synchronized LeaderElectionRecord get(KubernetesClient client) {
      reads.incrementAndGet();
      return super.get(client);
    }

    @Override
    public synchronized void create(KubernetesClient client, LeaderElectionRecord record) {
      writes.incrementAndGet();
      super.create(client, record);
      lastWriteNanos.set(System.nanoTime());
    }

    @Override
    public synchronized void update(KubernetesClient client, LeaderElectionRecord record) {
      writes.incrementAndGet();
      super.update(client, record);
      lastWriteNanos.set(System.nanoTime());
    }
  }

  /** One fabric8 candidate; {@link #start} makes a new elector each time, as fabric8's run once. */
  final class Member {
    final String identity;
    final CountingLeaseLock lock;
    final KubernetesClient client;
    final boolean release;
    volatile boolean leading;
    final AtomicLong startedNanos = new AtomicLong();
    CompletableFuture<?> run;

    Member(String identity, String lockName, KubernetesClient client, boolean release) {
      this.identity = identity;
      this.lock = new CountingLeaseLock("bench", lockName, identity);
      this.client = client;
      this.release = release;
    }

    void start(AtomicInteger leaders, AtomicInteger overlaps) {
      run = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
          .withName("bench").withLock(lock)
          .withLeaseDuration(timings.lease()).withRenewDeadline(timings.renew()).withRetryPeriod(timings.retry())
          .withReleaseOnCancel(release)
          .withLeaderCallbacks(new LeaderCallbacks(() -> {
            if (leaders.incrementAndGet() > 1) {
              overlaps.incrementAndGet();
            }
            leading = true;
            startedNanos.set(System.nanoTime());
          }, () -> {
            if (leading) {
              leading = false;
              leaders.decrementAndGet();
            }
          }, leader -> { }))
          .build()).build().start();
    }
  }

  ElectionBenchmarks.Result run() throws Exception {
    try (LeaseBackend api = new LeaseBackend()) {
      AtomicInteger leaders = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      System.err.println("[fabric8] handover, " + samples + " samples");
      List<Double> handover = measure(api, true, leaders, overlaps, true);
      System.err.println("[fabric8] failover, " + samples + " samples");
      List<Double> failover = measure(api, false, leaders, overlaps, false);
      System.err.println("[fabric8] request cost over " + steadyState);
      List<Member> members = members(api, "requests", false);
      members.forEach(m -> m.start(leaders, overlaps));
      Member leader = awaitLeader(members);
      Election.pause(timings.lease());
      members.forEach(m -> {
        m.lock.reads.set(0);
        m.lock.writes.set(0);
      });
      Election.pause(steadyState);
      double minutes = steadyState.toMillis() / 60_000.0;
      double followerReads = 0;
      double followerWrites = 0;
      for (Member m : members) {
        if (m != leader) {
          followerReads = Math.max(followerReads, m.lock.reads.get() / minutes);
          followerWrites = Math.max(followerWrites, m.lock.writes.get() / minutes);
        }
      }
      ElectionBenchmarks.RequestRates rates = new ElectionBenchmarks.RequestRates(leader.lock.writes.get() / minutes,
          leader.lock.reads.get() / minutes, followerReads, followerWrites, minutes);
      members.forEach(m -> m.run.cancel(true));
      return new ElectionBenchmarks.Result("fabric8 LeaderElector (leases, mock API server)", false,
          Stats.of(handover), Stats.of(failover), rates, overlaps.get());
    }
  }

  private List<Member> members(LeaseBackend api, String what, boolean release) {
    String lockName = what + "-" + UUID.randomUUID().toString().substring(0, 8);
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String identity = "fabric8-" + i;
      members.add(new Member(identity, lockName, api.client(identity), release));
    }
    return members;
  }

  private Member awaitLeader(List<Member> members) {
    Member[] found = new Member[1];
    if (!Election.await(() -> {
      for (Member m : members) {
        if (m.leading) {
          found[0] = m;
          return true;
        }
      }
      return false;
    }, timings.lease().multipliedBy(3))) {
      throw new IllegalStateException("no fabric8 leader");
    }
    return found[0];
  }

  private List<Double> measure(LeaseBackend api, boolean graceful, AtomicInteger leaders, AtomicInteger overlaps,
      boolean release) {
    List<Member> members = members(api, graceful ? "handover" : "failover", release);
    members.forEach(m -> m.start(leaders, overlaps));
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      Member leader = awaitLeader(members);
      Election.pause(timings.retry().multipliedBy(3).plusMillis(random.nextInt((int) timings.retry().toMillis())));
      long t0 = System.nanoTime();
      leader.run.cancel(true);
      long[] next = new long[1];
      Election.await(() -> {
        for (Member m : members) {
          if (m != leader && m.leading && m.startedNanos.get() - t0 > 0) {
            next[0] = m.startedNanos.get();
            return true;
          }
        }
        return false;
      }, timings.lease().multipliedBy(3));
      Optional<Long> at = next[0] == 0 ? Optional.empty() : Optional.of(next[0]);
      long from = graceful ? t0 : leader.lock.lastWriteNanos.get();
      out.add(at.orElseThrow(() -> new IllegalStateException("no new fabric8 leader")) / 1e6 - from / 1e6);
      Election.await(() -> !leader.leading, timings.lease());
      leader.start(leaders, overlaps);
    }
    members.forEach(m -> m.run.cancel(true));
    return out;
  }
}
