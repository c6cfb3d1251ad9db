package dev.baton.leaderelection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Finding a runtime's threads by name, and waiting on conditions with a deadline. */
final class BatonThreads {
  private BatonThreads() {
  }

  /** The live threads whose names start with {@code prefix}. */
  static List<Thread> named(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .toList();
  }

  /** Waits until no thread named {@code prefix...} is alive, joining each; fails after {@code within}. */
  static void awaitGone(String prefix, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    List<Thread> alive = named(prefix);
    while (!alive.isEmpty()) {
      for (Thread t : alive) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          t.join(Math.max(1, left / 1_000_000));
        }
      }
      alive = named(prefix);
      if (System.nanoTime() - deadline >= 0) {
        break;
      }
    }
    assertEquals(List.of(), alive.stream().map(t -> t.getName() + " (" + t.getState() + ")").toList(),
        "threads " + prefix + "* still alive " + within + " after the runtime became idle or was closed");
  }

  /** Polls {@code condition} every 10 ms until it holds; fails with {@code what} after {@code within}. */
  static void await(Duration within, BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        fail("not within " + within + ": " + what.get());
      }
      Thread.sleep(10);
    }
  }
}
