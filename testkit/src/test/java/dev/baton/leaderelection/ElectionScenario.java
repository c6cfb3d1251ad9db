package dev.baton.leaderelection;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.testkit.FaultInjectingResourceLock;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import dev.baton.testkit.VirtualElectionRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A small world for elector tests: one in-memory store, one virtual runtime, candidates on one
 * lock, and a referee that notes any moment where two candidates' callbacks say they both lead.
 */
final class ElectionScenario {
  static final String NAMESPACE = "default";
  static final String NAME = "election";

  final VirtualElectionRuntime runtime = new VirtualElectionRuntime(7);
  final InMemoryLockStore store = new InMemoryLockStore();
  final AtomicReference<String> currentLeader = new AtomicReference<>();
  final List<String> violations = new CopyOnWriteArrayList<>();
  final List<Candidate> candidates = new ArrayList<>();
  final RecordingMetrics metrics = new RecordingMetrics();

  ResourceLock rawLock(String identity) {
    return new InMemoryResourceLock(store, NAMESPACE, NAME, ResourceLockConfig.of(identity));
  }

  Candidate candidate(String identity) {
    return candidate(identity, b -> { });
  }

  Candidate candidate(String identity, Consumer<LeaderElectionConfig.Builder> tweak) {
    Candidate c = new Candidate(identity, FaultInjectingResourceLock.wrap(rawLock(identity)));
    LeaderElectionConfig.Builder b = LeaderElectionConfig.builder()
        .lock(c.lock)
        .callbacks(c)
        .runtime(runtime)
        .metrics(metrics)
        .name(NAME);
    tweak.accept(b);
    c.elector = new LeaderElector(b.build());
    candidates.add(c);
    return c;
  }

  /** The stored record, read through a fresh lock instance. */
  LeaderElectionRecord storedRecord() throws Exception {
    return rawLock("observer").get().record();
  }

  /** The stored record's holder, for conditions in lambdas; "?" when nothing readable is stored. */
  String storedHolder() {
    try {
      return storedRecord().holderIdentity();
    } catch (Exception e) {
      return "?";
    }
  }

  ObservedRecord storedObservation() throws Exception {
    return rawLock("observer").get();
  }

  boolean advanceUntil(java.util.function.BooleanSupplier condition, Duration limit) {
    return runtime.advanceUntil(condition, limit).isPresent();
  }

  Duration elapsed() {
    return runtime.elapsed();
  }

  long leaders() {
    return candidates.stream().filter(c -> c.elector.isLeader()).count();
  }

  /** A test candidate: records its callbacks and reports overlapping leadership to the scenario. */
  final class Candidate implements LeaderCallbacks {
    final String identity;
    final FaultInjectingResourceLock lock;
    LeaderElector elector;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<LeaderContext> terms = new CopyOnWriteArrayList<>();
    final List<String> newLeaders = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong startedAtNanos = new AtomicLong(-1);
    Consumer<LeaderContext> work = ctx -> { };
    boolean leading;

    Candidate(String identity, FaultInjectingResourceLock lock) {
      this.identity = identity;
      this.lock = lock;
    }

    @Override
    public void onStartedLeading(LeaderContext context) {
      calls.add("started");
      terms.add(context);
      startedAtNanos.set(runtime.nanoTime());
      if (leading) {
        violations.add(identity + " started leading twice without stopping");
      }
      leading = true;
      String previous = currentLeader.getAndSet(identity);
      // A term whose validity deadline passed is over even if its onStoppedLeading has not run yet
      // (a frozen process): LeaderContext.isLeading() is false for it.
      if (previous != null && candidates.stream().filter(c -> c.identity.equals(previous))
          .anyMatch(c -> !c.terms.isEmpty() && c.terms.get(c.terms.size() - 1).isLeading())) {
        violations.add(identity + " started leading at " + elapsed() + " while " + previous + " still leads");
      }
      try {
        LeaderElectionRecord stored = storedRecord();
        if (!stored.holderIdentity().equals(identity)) {
          violations.add(identity + " started leading before the store named it (store: " + stored + ")");
        }
      } catch (Exception e) {
        violations.add(identity + " started leading but the store cannot be read: " + e);
      }
      work.accept(context);
    }

    @Override
    public void onStoppedLeading() {
      calls.add("stopped");
      if (leading) {
        leading = false;
        currentLeader.compareAndSet(identity, null);
      }
    }

    @Override
    public void onNewLeader(String leader) {
      newLeaders.add(leader);
    }

    long started() {
      return calls.stream().filter("started"::equals).count();
    }

    long stopped() {
      return calls.stream().filter("stopped"::equals).count();
    }

    @Override
    public String toString() {
      return identity;
    }
  }

  /** Counts what the elector reports to its metrics. */
  static final class RecordingMetrics implements LeaderMetrics {
    final AtomicLong on = new AtomicLong();
    final AtomicLong off = new AtomicLong();
    final AtomicLong slowPath = new AtomicLong();

    @Override
    public void leaderOn(String name) {
      on.incrementAndGet();
    }

    @Override
    public void leaderOff(String name) {
      off.incrementAndGet();
    }

    @Override
    public void slowPathExercised(String name) {
      slowPath.incrementAndGet();
    }
  }
}
