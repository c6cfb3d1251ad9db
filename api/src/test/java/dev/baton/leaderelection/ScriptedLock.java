package dev.baton.leaderelection;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A lock that answers exactly the calls a test scripted, in order, the way client-go's
 * {@code TestTryAcquireOrRenew} scripts a fake clientset with reactors: each call must be the next
 * one expected and gets its scripted answer; any other call fails the test at once.
 */
final class ScriptedLock implements ResourceLock {

  /** The calls a script can expect. */
  enum Verb { GET, CREATE, UPDATE }

  /** A scripted answer: the record a get returns (null for a write), or the failure it throws. */
  @FunctionalInterface
  interface Answer {
    ObservedRecord give() throws LockException;
  }

  private record Step(Verb verb, Answer answer) {
  }

  private final String identity;
  private final Deque<Step> script = new ArrayDeque<>();
  /** The calls made, in order. */
  final List<Verb> calls = new ArrayList<>();
  /** The records passed to create and update, in order. */
  final List<LeaderElectionRecord> written = new ArrayList<>();

  ScriptedLock(String identity) {
    this.identity = identity;
  }

  /** A get, create or update answered by the store with {@code record}, stored as the codec writes it. */
  static Answer stored(LeaderElectionRecord record) {
    byte[] raw = LeaderElectionRecordCodec.encode(record);
    return () -> new ObservedRecord(record, raw);
  }

  /** A read of {@code record} from the bytes a backend read ({@code raw}, which may be empty). */
  static Answer read(LeaderElectionRecord record, byte[] raw) {
    return () -> new ObservedRecord(record, raw);
  }

  /** A write the store accepted. */
  static Answer accepted() {
    return () -> null;
  }

  /** A call that fails with {@code failure}. */
  static Answer fails(LockException failure) {
    return () -> {
      throw failure;
    };
  }

  ScriptedLock expect(Verb verb, Answer answer) {
    script.add(new Step(verb, answer));
    return this;
  }

  /** Whether every scripted call was made. */
  boolean done() {
    return script.isEmpty();
  }

  private ObservedRecord answer(Verb verb) throws LockException {
    calls.add(verb);
    Step next = script.poll();
    if (next == null || next.verb() != verb) {
      throw new AssertionError("unexpected " + verb + " (call " + calls.size() + "); the script expected "
          + (next == null ? "no more calls" : next.verb()) + "; calls so far: " + calls);
    }
    return next.answer().give();
  }

  @Override
  public ObservedRecord get() throws LockException {
    return answer(Verb.GET);
  }

  @Override
  public void create(LeaderElectionRecord record) throws LockException {
    written.add(record);
    answer(Verb.CREATE);
  }

  @Override
  public void update(LeaderElectionRecord record) throws LockException {
    written.add(record);
    answer(Verb.UPDATE);
  }

  @Override
  public void recordEvent(String message) {
    throw new AssertionError("an attempt records no events, but recorded \"" + message + "\"");
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public String describe() {
    return "foo/bar";
  }
}
