package dev.baton.faults;

import dev.baton.faults.Event.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every candidate's events as they arrive, plus what the test needs to steer the run: who leads now,
 * who is ready, when leadership last changed. The checker reads only {@link #events()}.
 */
final class ElectionLog {
  private final List<Event> events = new ArrayList<>();
  private final Map<String, Long> openTerms = new HashMap<>();
  private final Map<String, Long> lastAct = new HashMap<>();
  private final Set<String> ready = new HashSet<>();
  private final Map<String, String> leaderSeen = new HashMap<>();
  private long lastChange = Long.MIN_VALUE;

  /** A term as the test sees it: a process whose work runs, and its fencing token. */
  record Term(String process, long token) {
  }

  synchronized void add(Event e) {
    events.add(e);
    switch (e.kind()) {
      case READY -> ready.add(e.process());
      case START -> {
        openTerms.put(e.process(), e.token());
        lastChange = Math.max(lastChange, e.nanos());
      }
      case END -> {
        openTerms.remove(e.process());
        lastChange = Math.max(lastChange, e.nanos());
      }
      case ACT -> lastAct.merge(e.process(), e.nanos(), Math::max);
      case LEADER -> leaderSeen.put(e.process(), e.holder());
      case STOP -> lastChange = Math.max(lastChange, e.nanos());
      case WRITE -> {
        if (e.isRelease()) {
          lastChange = Math.max(lastChange, e.nanos());
        }
      }
      default -> { }
    }
  }

  /** A copy of all events so far, in arrival order. */
  synchronized List<Event> events() {
    return List.copyOf(events);
  }

  synchronized boolean isReady(String process) {
    return ready.contains(process);
  }

  /** Whether the last leader a process reported (onNewLeader) is {@code identity}. */
  synchronized boolean hasSeenLeader(String process, String identity) {
    return identity.equals(leaderSeen.get(process));
  }

  /** Forgets the open term of a process that was killed (it never logs END). */
  synchronized void processDied(String process) {
    openTerms.remove(process);
  }

  /**
   * The single leader whose work has acted within {@code actedWithinNanos} before {@code now}.
   *
   * @return the term, or empty when no process or more than one has an open term, or it has not acted lately
   */
  synchronized Optional<Term> activeLeader(long now, long actedWithinNanos) {
    if (openTerms.size() != 1) {
      return Optional.empty();
    }
    Map.Entry<String, Long> only = openTerms.entrySet().iterator().next();
    Long acted = lastAct.get(only.getKey());
    if (acted == null || now - acted > actedWithinNanos) {
      return Optional.empty();
    }
    return Optional.of(new Term(only.getKey(), only.getValue()));
  }

  /** When a term last started or ended, a run last stopped or the lock was last released. */
  synchronized long lastChangeNanos() {
    return lastChange;
  }

  /** The first START after {@code nanos} with a token above {@code token}. */
  synchronized Optional<Event> firstStartAfter(long nanos, long token) {
    return events.stream().filter(e -> e.kind() == Kind.START && e.nanos() > nanos && e.token() > token).findFirst();
  }

  /** Whether {@code process} logged anything after {@code nanos}. */
  synchronized boolean loggedAfter(String process, long nanos) {
    for (int i = events.size() - 1; i >= 0; i--) {
      Event e = events.get(i);
      if (e.process().equals(process) && e.nanos() > nanos) {
        return true;
      }
    }
    return false;
  }

  /** A few lines on the state, for timeout messages. */
  synchronized String state(long now) {
    return "open terms " + openTerms + ", last acts " + lastAct.entrySet().stream()
        .map(en -> en.getKey() + " " + (now - en.getValue()) / 1_000_000 + " ms ago").toList() + ", ready " + ready
        + ", leaders seen " + leaderSeen
        + ", last change " + (lastChange == Long.MIN_VALUE ? "never" : (now - lastChange) / 1_000_000 + " ms ago")
        + ", " + events.size() + " events";
  }
}
