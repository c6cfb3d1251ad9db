package dev.baton.faults;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One line of a candidate's log ({@link EventWriter}), parsed, with the process that wrote it.
 *
 * @param process the candidate process, {@code IDENTITY#INCARNATION} such as {@code c1#2}
 * @param kind what happened
 * @param nanos when ({@code System.nanoTime()}; for reads and writes, when the call returned)
 * @param token the fencing token of START, ACT and END; -1 otherwise
 * @param holder the holder of LEADER, READ and WRITE; {@code ""} for a released record, null otherwise
 * @param op {@code get}, {@code create} or {@code update} for READ, WRITE and FAIL; null otherwise
 * @param expectedRevision the revision an update was compared against; -1 when none (create, other kinds)
 * @param revision the revision read or produced; -1 when none
 * @param startNanos when a lock call began; -1 for other kinds
 * @param transitions the record's leaderTransitions of a WRITE; -1 otherwise
 */
record Event(String process, Kind kind, long nanos, long token, String holder, String op, long expectedRevision,
    long revision, long startNanos, long transitions) {

  /** The kinds of lines. */
  enum Kind {
    /** The candidate's elector started. */
    READY,
    /** onStartedLeading: a term began. */
    START,
    /** The leader acted under its term. */
    ACT,
    /** The leader's work loop ended (its term's context was cancelled). */
    END,
    /** onStoppedLeading. */
    STOP,
    /** onNewLeader. */
    LEADER,
    /** A successful get. */
    READ,
    /** A successful create or update. */
    WRITE,
    /** A failed lock call. */
    FAIL,
    /** The shutdown hook finished. */
    EXIT
  }

  /** The candidate's identity: the process name before {@code #}. */
  String identity() {
    return identityOf(process);
  }

  static String identityOf(String process) {
    int hash = process.indexOf('#');
    return hash < 0 ? process : process.substring(0, hash);
  }

  /** A release: a write of holder "". */
  boolean isRelease() {
    return kind == Kind.WRITE && holder != null && holder.isEmpty();
  }

  /**
   * Parses a line.
   *
   * @param process the process that wrote it
   * @param line the line
   * @return the event, or empty for a line that is not an event (a JVM warning, say)
   */
  static Optional<Event> parse(String process, String line) {
    String[] parts = line.trim().split(" ");
    if (parts.length < 2) {
      return Optional.empty();
    }
    try {
      Kind kind = Kind.valueOf(parts[0]);
      long nanos = Long.parseLong(parts[parts.length - 1]);
      return Optional.of(switch (kind) {
        case READY, STOP, EXIT -> simple(process, kind, nanos);
        case START, ACT, END -> new Event(process, kind, nanos, Long.parseLong(parts[1]), null, null, -1, -1, -1, -1);
        case LEADER -> new Event(process, kind, nanos, -1, parts[1].equals("\"\"") ? "" : parts[1], null, -1, -1, -1,
            -1);
        case READ, WRITE, FAIL -> {
          Map<String, String> fields = new HashMap<>();
          for (int i = 1; i < parts.length - 1; i++) {
            int eq = parts[i].indexOf('=');
            fields.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
          }
          yield new Event(process, kind, nanos, -1, fields.get("holder"),
              fields.getOrDefault("op", kind == Kind.READ ? "get" : null), number(fields.get("expectedRevision")),
              number(fields.get("revision")), number(fields.get("start")), number(fields.get("transitions")));
        }
      });
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static long number(String text) {
    return text == null || text.equals("-") ? -1 : Long.parseLong(text);
  }

  // ---- factories for synthetic logs (the checker's own tests) -----------------------------------

  static Event simple(String process, Kind kind, long nanos) {
    return new Event(process, kind, nanos, -1, null, null, -1, -1, -1, -1);
  }

  static Event start(String process, long token, long nanos) {
    return new Event(process, Kind.START, nanos, token, null, null, -1, -1, -1, -1);
  }

  static Event act(String process, long token, long nanos) {
    return new Event(process, Kind.ACT, nanos, token, null, null, -1, -1, -1, -1);
  }

  static Event end(String process, long token, long nanos) {
    return new Event(process, Kind.END, nanos, token, null, null, -1, -1, -1, -1);
  }

  static Event read(String process, String holder, long revision, long startNanos, long nanos) {
    return new Event(process, Kind.READ, nanos, -1, holder, "get", -1, revision, startNanos, -1);
  }

  static Event write(String process, String op, String holder, long expectedRevision, long revision, long startNanos,
      long nanos) {
    return new Event(process, Kind.WRITE, nanos, -1, holder, op, expectedRevision, revision, startNanos, -1);
  }
}
