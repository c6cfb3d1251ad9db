package dev.baton.spring.boot.sample;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Stands for a downstream system the leader writes to: it refuses a write whose fencing token is
 * lower than the highest it has seen, so a deposed leader's late write cannot land.
 */
@Component
public class FencedStore {
  private final AtomicLong highestToken = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong writes = new AtomicLong();

  /**
   * Writes an item unless a newer leader already wrote.
   *
   * @param item what to write
   * @param fencingToken the writer's term
   * @return whether the write was accepted
   */
  public boolean write(String item, long fencingToken) {
    long seen = highestToken.accumulateAndGet(fencingToken, Math::max);
    if (fencingToken < seen) {
      return false;
    }
    writes.incrementAndGet();
    return true;
  }

  /** How many writes were accepted. */
  public long writes() {
    return writes.get();
  }
}
