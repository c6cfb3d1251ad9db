package dev.baton.cli;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** baton's own lines on standard error, each with the time it was written (UTC, milliseconds). */
final class Console {
  private Console() {
  }

  /** Prints {@code <time> baton: <message>}. */
  static void say(String message) {
    System.err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " baton: " + message);
  }
}
