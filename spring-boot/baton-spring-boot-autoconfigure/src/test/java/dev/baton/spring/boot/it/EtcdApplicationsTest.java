package dev.baton.spring.boot.it;

import io.etcd.jetcd.Client;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.context.support.GenericApplicationContext;

/**
 * {@link TwoApplicationsOnOneLock} on etcd. Each application has its own jetcd {@code Client} bean,
 * which the auto-configuration hands to the lock (so no {@code etcd.endpoints} setting is needed).
 */
class EtcdApplicationsTest extends TwoApplicationsOnOneLock {

  private static EtcdFixture etcd;
  private final String namespace = "spring-" + UUID.randomUUID();

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdFixture.start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Override
  Map<String, Object> lockProperties(String identity) {
    return Map.of("baton.lock.type", "etcd", "baton.lock.namespace", namespace, "baton.lock.name", "two-apps");
  }

  @Override
  void addBeans(GenericApplicationContext context) {
    context.registerBean(Client.class, () -> Client.builder().endpoints(etcd.endpoints().split(",")).build());
  }
}
