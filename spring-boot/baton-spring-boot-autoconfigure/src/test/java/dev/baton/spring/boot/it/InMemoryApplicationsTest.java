package dev.baton.spring.boot.it;

import java.util.Map;
import java.util.UUID;

/** {@link TwoApplicationsOnOneLock} on the in-memory lock of baton-lock-inmemory, shared through a named store. */
class InMemoryApplicationsTest extends TwoApplicationsOnOneLock {

  private final String store = "two-apps-" + UUID.randomUUID();

  @Override
  Map<String, Object> lockProperties(String identity) {
    return Map.of("baton.lock.type", "inmemory", "baton.lock.name", "two-apps",
        "baton.settings.inmemory.store", store);
  }
}
