package dev.baton.testkit;

import dev.baton.leaderelection.ElectionRuntime;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apiguardian.api.API;

/**
 * Lets one elector test run on virtual time (the in-memory lock: milliseconds, deterministic) or
 * on real time (a real server: short durations, a few seconds per test) without changing a line.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface TimeDriver {

  /**
   * Virtual time: waiting advances the virtual clock.
   *
   * @param runtime the virtual runtime the electors use
   * @return the driver
   */
  static TimeDriver virtual(VirtualElectionRuntime runtime) {
    return new TimeDriver() {
      @Override
      public ElectionRuntime runtime() {
        return runtime;
      }

      @Override
      public long nanoTime() {
        return runtime.nanoTime();
      }

      @Override
      public Optional<Duration> awaitUntil(BooleanSupplier condition, Duration limit) {
        return runtime.advanceUntil(condition, limit);
      }

      @Override
      public void pass(Duration duration) {
        runtime.advance(duration);
      }

      @Override
      public boolean isVirtual() {
        return true;
      }
    };
  }

  /**
   * Real time: waiting polls the condition every millisecond on the shared system runtime.
   *
   * @return the driver
   */
  static TimeDriver realTime() {
    return new TimeDriver() {
      @Override
      public ElectionRuntime runtime() {
        return ElectionRuntime.system();
      }

      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Optional<Duration> awaitUntil(BooleanSupplier condition, Duration limit) {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        while (true) {
          if (condition.getAsBoolean()) {
            return Optional.of(Duration.ofNanos(System.nanoTime() - start));
          }
          if (System.nanoTime() - deadline >= 0) {
            return Optional.empty();
          }
          LockSupport.parkNanos(1_000_000);
        }
      }

      @Override
      public void pass(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        awaitUntil(() -> System.nanoTime() - deadline >= 0, duration.plusSeconds(1));
      }

      @Override
      public boolean isVirtual() {
        return false;
      }
    };
  }

  /** The runtime electors under test must use. */
  ElectionRuntime runtime();

  /** The driver's monotonic clock, in nanoseconds. */
  long nanoTime();

  /**
   * Waits until {@code condition} holds or {@code limit} passes.
   *
   * @param condition what to wait for
   * @param limit the most time to wait
   * @return how long it took, or empty when the limit passed first
   */
  Optional<Duration> awaitUntil(BooleanSupplier condition, Duration limit);

  /**
   * Lets {@code duration} pass (the electors keep working meanwhile).
   *
   * @param duration how long
   */
  void pass(Duration duration);

  /** Whether time is virtual. */
  boolean isVirtual();
}
