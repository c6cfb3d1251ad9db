package dev.baton.lock.lease;

import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Events in the background, one at a time, as client-go's event broadcaster does: recording
 * an Event never waits for the API server, and when the server falls behind, Events past a queue of
 * {@value #CAPACITY} are dropped (client-go's broadcaster queue has the same length and drops the
 * same way) and counted in one warning per streak.
 *
 * <p>Before, each Event was written on the elector's callback thread: 1,000 Lease elections starting
 * at once against a slow server held callback threads for seconds, and the callback pool grew by one
 * thread per check (19 Baton threads in the scale benchmark, against a budget of 16), while each
 * elector's later notifications waited behind its Event.
 *
 * <p>One writer thread, {@code baton-events}, serves the JVM; it exists only while Events are
 * queued or were written within the last {@value #IDLE_SECONDS} seconds.
 */
final class EventSink {
  static final int CAPACITY = 1000;
  static final long IDLE_SECONDS = 30;

  private static final Logger LOG = LoggerFactory.getLogger(EventSink.class);
  private static final EventSink SHARED = new EventSink(CAPACITY, Duration.ofSeconds(IDLE_SECONDS));

  private final ThreadPoolExecutor writer;
  private final int capacity;
  private final AtomicLong dropped = new AtomicLong();

  EventSink(int capacity, Duration idle) {
    this.capacity = capacity;
    AtomicInteger n = new AtomicInteger();
    writer = new ThreadPoolExecutor(1, 1, idle.toNanos(), TimeUnit.NANOSECONDS, new ArrayBlockingQueue<>(capacity),
        r -> {
          Thread t = new Thread(r, "baton-events" + (n.incrementAndGet() == 1 ? "" : "-" + n.get()));
          t.setDaemon(true);
          return t;
        });
    writer.allowCoreThreadTimeOut(true);
  }

  /** The JVM's sink. */
  static EventSink shared() {
    return SHARED;
  }

  /**
   * Queues one Event to be created through {@code client}; returns at once.
   *
   * @return whether it was queued; false when the queue was full and the Event was dropped
   */
  boolean post(KubernetesClient client, Event event, String what) {
    try {
      writer.execute(() -> write(client, event, what));
      return true;
    } catch (RejectedExecutionException full) {
      if (dropped.getAndIncrement() == 0) {
        LOG.warn("dropping event '{}': {} events wait to be written already (the API server is slow or "
            + "unreachable); events are dropped until the queue drains, and their number is logged then", what,
            capacity);
      }
      return false;
    }
  }

  /** Events queued and not yet written (for tests). */
  int queued() {
    return writer.getQueue().size();
  }

  private void write(KubernetesClient client, Event event, String what) {
    long droppedBefore = dropped.getAndSet(0);
    if (droppedBefore > 0) {
      LOG.warn("dropped {} events while the event queue was full", droppedBefore);
    }
    try {
      client.resource(event).create();
    } catch (RuntimeException e) {
      LOG.warn("could not record event {}: {}", what, e.toString());
    }
  }
}
