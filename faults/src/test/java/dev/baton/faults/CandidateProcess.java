package dev.baton.faults;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One candidate JVM ({@link CandidateMain}) started by the test: its events go to a sink as they
 * are written, and to {@code <name>.out} under the run's directory; its stderr (the elector's log)
 * to {@code <name>.err}. It can be frozen, resumed, killed and stopped by its process id only.
 */
final class CandidateProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Thread reader;
  private volatile boolean paused;
  private volatile boolean terminated;

  private CandidateProcess(String name, Process process, Thread reader) {
    this.name = name;
    this.process = process;
    this.reader = reader;
  }

  /**
   * Starts a candidate.
   *
   * @param name the process name, {@code IDENTITY#INCARNATION}
   * @param mainArgs the arguments of {@link CandidateMain}
   * @param dir where its output files go
   * @param sink receives each event, on the process's reader thread
   * @return the running candidate
   */
  static CandidateProcess start(String name, List<String> mainArgs, Path dir, Consumer<Event> sink) {
    String file = name.replace('#', '-');
    List<String> command = new ArrayList<>();
    command.add(JavaCommand.java());
    command.addAll(JavaCommand.arguments(CandidateMain.class, mainArgs.toArray(String[]::new)));
    Path out = dir.resolve(file + ".out");
    try {
      Files.createDirectories(dir);
      Process process = new ProcessBuilder(command)
          .redirectError(dir.resolve(file + ".err").toFile())
          .start(); // stdin stays a pipe: the candidate exits when it closes
      Thread reader = new Thread(() -> copyEvents(name, process, out, sink), "faults-" + file + "-events");
      reader.setDaemon(true);
      reader.start();
      return new CandidateProcess(name, process, reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start candidate " + name + ": " + String.join(" ", command), e);
    }
  }

  private static void copyEvents(String name, Process process, Path copy, Consumer<Event> sink) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8)); BufferedWriter file = Files.newBufferedWriter(copy, StandardCharsets.UTF_8)) {
      String line;
      while ((line = lines.readLine()) != null) {
        file.write(line);
        file.newLine();
        Event.parse(name, line).ifPresent(sink);
      }
    } catch (IOException e) {
      // the process is gone; what was read has been passed on
    }
  }

  /** {@code IDENTITY#INCARNATION}. */
  String name() {
    return name;
  }

  /** The candidate's identity. */
  String identity() {
    return Event.identityOf(name);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGSTOP. */
  void pause() {
    Signals.stop(process.pid());
    paused = true;
  }

  /** SIGCONT. */
  void resume() {
    Signals.resume(process.pid());
    paused = false;
  }

  /** SIGKILL, as a crash; returns once the process is gone and its output read. */
  void kill() {
    process.destroyForcibly();
    awaitExit(10);
  }

  /** For a JVM shutdown hook: SIGKILL (which ends a frozen process too), without waiting. */
  void killAtShutdown() {
    process.destroyForcibly();
  }

  /** Resumes it if frozen and sends SIGTERM (it steps down); {@link #close()} waits for the exit. */
  void terminate() {
    if (!terminated && process.isAlive()) {
      terminated = true;
      if (paused) {
        resume();
      }
      process.destroy();
    }
  }

  /** {@link #terminate()}, then SIGKILL when it has not exited after a grace period. */
  @Override
  public void close() {
    terminate();
    try {
      if (!process.waitFor(8, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    awaitExit(10);
  }

  private void awaitExit(int seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new IllegalStateException("candidate " + name + " (pid " + process.pid() + ") did not exit");
      }
      reader.join(TimeUnit.SECONDS.toMillis(seconds));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + (process.isAlive() ? "" : ", exited") + ")";
  }
}
