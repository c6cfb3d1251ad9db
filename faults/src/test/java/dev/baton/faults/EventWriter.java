package dev.baton.faults;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * A candidate's event log on its standard output: one line per event, flushed at once, ending in
 * {@link System#nanoTime()}. The formats are those {@link Event#parse} reads; the faults README lists
 * them. On Linux {@code System.nanoTime()} is {@code CLOCK_MONOTONIC}, one clock for all processes of
 * the machine, so the test compares times across processes (and with its own injection times).
 */
final class EventWriter {
  private final PrintStream out;

  EventWriter(OutputStream stream) {
    this.out = new PrintStream(stream, false, StandardCharsets.UTF_8);
  }

  /** The process's real standard output; {@code System.out} is pointed at stderr so nothing else lands here. */
  static EventWriter onStandardOutput() {
    EventWriter writer = new EventWriter(new FileOutputStream(FileDescriptor.out));
    System.setOut(System.err);
    return writer;
  }

  void ready() {
    line("READY " + System.nanoTime());
  }

  void start(long token) {
    line("START " + token + " " + System.nanoTime());
  }

  /** An action at {@code nanos}, read before the leadership check that allowed it. */
  void act(long token, long nanos) {
    line("ACT " + token + " " + nanos);
  }

  void end(long token) {
    line("END " + token + " " + System.nanoTime());
  }

  void stop() {
    line("STOP " + System.nanoTime());
  }

  void leader(String identity) {
    line("LEADER " + quoted(identity) + " " + System.nanoTime());
  }

  void read(String holder, OptionalLong revision, long startNanos) {
    line("READ holder=" + holder + " revision=" + text(revision) + " start=" + startNanos + " " + System.nanoTime());
  }

  void write(String op, LeaderElectionRecord record, OptionalLong expectedRevision, OptionalLong revision,
      long startNanos) {
    line("WRITE op=" + op + " holder=" + record.holderIdentity() + " expectedRevision=" + text(expectedRevision)
        + " revision=" + text(revision) + " transitions=" + record.leaderTransitions() + " start=" + startNanos + " "
        + System.nanoTime());
  }

  void fail(String op, Throwable error, long startNanos) {
    line("FAIL op=" + op + " error=" + error.getClass().getSimpleName() + " start=" + startNanos + " "
        + System.nanoTime());
  }

  void exit() {
    line("EXIT " + System.nanoTime());
  }

  private synchronized void line(String text) {
    out.print(text);
    out.print('\n');
    out.flush();
  }

  private static String text(OptionalLong value) {
    return value.isPresent() ? Long.toString(value.getAsLong()) : "-";
  }

  private static String quoted(String identity) {
    return identity.isEmpty() ? "\"\"" : identity;
  }
}
