package dev.baton.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The store's raw write ceiling in this harness: {@code inFlight} threads, each doing one
 * compare-and-set write after another through the store's own client ({@link RawStore}), as many in
 * flight as Baton's lock-call pool runs, over keys spread across the threads.
 */
final class StoreCeiling {

  /**
   * Figures of one measurement.
   *
   * @param writesPerSecond successful writes per second
   * @param failures failed writes (must be 0)
   * @param meanLatencyMs mean time per write
   */
  record Result(double writesPerSecond, long failures, double meanLatencyMs) {
  }

  private StoreCeiling() {
  }

  static Result measure(RawStore store, int inFlight, int keys, Duration warmUp, Duration duration) throws Exception {
    store.prepare(keys);
    run(store, inFlight, keys, warmUp);
    return run(store, inFlight, keys, duration);
  }

  private static Result run(RawStore store, int inFlight, int keys, Duration duration) throws Exception {
    LongAdder writes = new LongAdder();
    LongAdder failures = new LongAdder();
    AtomicLong busyNanos = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < inFlight; t++) {
      int first = t;
      Thread thread = new Thread(() -> {
        long busy = 0;
        int key = first;
        while (System.nanoTime() - end < 0) {
          long start = System.nanoTime();
          try {
            store.write(key);
            writes.increment();
          } catch (Exception e) {
            failures.increment();
          }
          busy += System.nanoTime() - start;
          key += inFlight;
          if (key >= keys) {
            key = first;
          }
        }
        busyNanos.addAndGet(busy);
      }, "bench-raw-" + t);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    long n = writes.sum();
    double seconds = duration.toNanos() / 1e9;
    return new Result(n / seconds, failures.sum(), n == 0 ? Double.NaN : busyNanos.get() / 1e6 / (n + failures.sum()));
  }
}
