package dev.baton.lock.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's examples run: the settings they show are the ones the provider accepts. */
class ReadmeExamplesTest {

  @Test
  @DisplayName("The README's lock is an etcd lock on the endpoints and key it names (built without contacting etcd)")
  void newLock() throws Exception {
    try (EtcdLock lock = assertInstanceOf(EtcdLock.class, ReadmeExamples.newLock("host-1"))) {
      assertEquals("/baton/leaderelection/payments/scheduler", lock.key());
      assertEquals("host-1", lock.identity());
    }
  }
}
