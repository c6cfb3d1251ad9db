package dev.baton.faults;

import dev.baton.testkit.fixture.Binaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * SIGSTOP and SIGCONT by process id, through the {@code kill} program (Java can send only SIGTERM and
 * SIGKILL). Only ever sent to processes this test started, never by name.
 */
final class Signals {
  private static final Path KILL = Binaries.find("kill")
      .orElseThrow(() -> new IllegalStateException("no 'kill' program on PATH (procps): needed for SIGSTOP/SIGCONT"));

  private Signals() {
  }

  /** Freezes a process, as a long GC pause or a VM migration would. */
  static void stop(long pid) {
    send("STOP", pid);
  }

  /** Resumes a frozen process. */
  static void resume(long pid) {
    send("CONT", pid);
  }

  private static void send(String signal, long pid) {
    try {
      Process kill = new ProcessBuilder(KILL.toString(), "-" + signal, Long.toString(pid)).redirectErrorStream(true)
          .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException("kill -" + signal + " " + pid + " did not return");
      }
      if (kill.exitValue() != 0) {
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed (exit " + kill.exitValue() + "): "
            + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + signal + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + pid, e);
    }
  }
}
