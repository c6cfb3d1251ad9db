package dev.baton.cli;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stops a child process and everything it started: TERM, then KILL after a grace period. */
final class CommandStopper {
  private final Process process;
  private final Duration grace;

  CommandStopper(Process process, Duration grace) {
    this.process = process;
    this.grace = grace;
  }

  /** Sends TERM to the process and its descendants, and KILL to what is left after the grace period. */
  void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        Console.say("the command did not exit within " + grace + " of TERM; killing it");
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** Kills the process and its descendants at once (a second signal: the operator will not wait). */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** Waits for the process to exit. */
  int awaitExit() {
    while (true) {
      try {
        return process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
      }
    }
  }
}
