package dev.baton.spring.boot.it;

import dev.baton.leaderelection.LeaderContext;
import dev.baton.testkit.LeadershipHistory;
import dev.baton.testkit.TimeDriver;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** What the applications of one test did, shared by their contexts. */
final class Recorder {

  /** One event in order: who, what, when (System.nanoTime). */
  record Entry(String identity, String what, long nanos, long fencingToken) {
  }

  final LeadershipHistory history = new LeadershipHistory(TimeDriver.realTime());
  final List<Entry> entries = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> leaderRuns = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> plainRuns = new ConcurrentHashMap<>();

  void note(String identity, String what, long fencingToken) {
    entries.add(new Entry(identity, what, System.nanoTime(), fencingToken));
  }

  void granted(String identity, LeaderContext term) {
    history.started(identity, term);
    note(identity, "granted", term.fencingToken());
  }

  void revoked(String identity, LeaderContext term) {
    note(identity, "revoked", term.fencingToken());
    history.stopped(identity);
  }

  void leaderRun(String identity, long fencingToken) {
    history.acted(identity, fencingToken);
    leaderRuns.computeIfAbsent(identity, i -> new AtomicInteger()).incrementAndGet();
  }

  void plainRun(String identity) {
    plainRuns.computeIfAbsent(identity, i -> new AtomicInteger()).incrementAndGet();
  }

  int leaderRuns(String identity) {
    AtomicInteger n = leaderRuns.get(identity);
    return n == null ? 0 : n.get();
  }

  int plainRuns(String identity) {
    AtomicInteger n = plainRuns.get(identity);
    return n == null ? 0 : n.get();
  }

  List<Entry> entries(String what) {
    return entries.stream().filter(e -> e.what().equals(what)).toList();
  }

  Optional<Entry> first(String identity, String what) {
    return entries.stream().filter(e -> e.identity().equals(identity) && e.what().equals(what)).findFirst();
  }

  long count(String identity, String what) {
    return entries.stream().filter(e -> e.identity().equals(identity) && e.what().equals(what)).count();
  }
}
