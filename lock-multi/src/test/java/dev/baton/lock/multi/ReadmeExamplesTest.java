package dev.baton.lock.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.lease.ConfigMapLock;
import dev.baton.lock.lease.LeaseLock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Instant;
import java.util.HashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's examples run, on fabric8's CRUD-mode mock API server. */
class ReadmeExamplesTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  @DisplayName("configmaps-to-leases is a MultiLock of a ConfigMap lock and a Lease lock, and creating it writes both objects")
  void compositeType() throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), true);
    server.init();
    try (KubernetesClient client = server.createClient()) {
      ResourceLockOptions options = ResourceLockOptions.builder().client(KubernetesClient.class, client).build();
      MultiLock lock = assertInstanceOf(MultiLock.class, ReadmeExamples.compositeType("pod-1", options));
      assertInstanceOf(ConfigMapLock.class, lock.primary());
      assertInstanceOf(LeaseLock.class, lock.secondary());

      lock.create(LeaderElectionRecord.of("pod-1", 15, T, T, 0));
      assertEquals("pod-1", lock.get().record().holderIdentity());
      assertNotNull(client.configMaps().inNamespace("default").withName("my-app").get(), "the ConfigMap");
      assertEquals("pod-1", client.leases().inNamespace("default").withName("my-app").get().getSpec().getHolderIdentity());
    } finally {
      server.destroy();
    }
  }
}
