package dev.baton.lock.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's examples run: the settings they show are the ones the provider accepts. */
class ReadmeExamplesTest {

  @Test
  @DisplayName("The README's lock is a ZooKeeper lock on the node it names (built without reaching the ensemble)")
  void newLock() throws Exception {
    try (ZooKeeperLock lock = assertInstanceOf(ZooKeeperLock.class, ReadmeExamples.newLock("host-1"))) {
      assertEquals("/baton/leaderelection/payments/scheduler", lock.path());
      assertEquals("host-1", lock.identity());
    }
  }
}
