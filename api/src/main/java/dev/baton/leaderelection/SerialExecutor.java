package dev.baton.leaderelection;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on another executor. Tasks submitted while one
 * runs (also from within it) run after it, so a direct executor gives deterministic order too.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private boolean active;

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (active) {
        return;
      }
      active = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RuntimeException e) {
      // Refused (a closed runtime): nothing will drain, so the next submission must try again.
      synchronized (this) {
        tasks.remove(task);
        active = false;
      }
      throw e;
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
        if (next == null) {
          active = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | Error e) {
        LOG.error("Unexpected failure in a leader election task", e);
      }
    }
  }
}
