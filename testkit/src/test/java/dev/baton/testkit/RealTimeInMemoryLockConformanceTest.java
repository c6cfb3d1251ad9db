package dev.baton.testkit;

import org.junit.jupiter.api.DisplayName;

/**
 * The watchable in-memory lock on real time with the kit's short real-time durations: proves the
 * kit's real-time mode (the one real servers use) on a store without network delays.
 */
@DisplayName("In-memory lock (watchable) on real time")
class RealTimeInMemoryLockConformanceTest extends InMemoryLockConformanceTest {

  @Override
  protected TimeDriver newTimeDriver() {
    return TimeDriver.realTime();
  }
}
