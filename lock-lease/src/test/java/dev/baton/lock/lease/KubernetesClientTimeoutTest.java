package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client timeout the Kubernetes locks report, which the elector compares with its renewDeadline. */
class KubernetesClientTimeoutTest {

  private static final String KUBECONFIG = """
      apiVersion: v1
      kind: Config
      clusters:
      - name: c
        cluster: {server: "https://127.0.0.1:1"}
      users:
      - name: u
        user: {token: "t"}
      contexts:
      - name: only
        context: {cluster: c, user: u}
      current-context: only
      """;

  private static KubernetesClient client(int requestTimeoutMillis) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1")
        .withRequestTimeout(requestTimeoutMillis).build()).build();
  }

  @Test
  @DisplayName("A lock built by ResourceLocks.newLock reports the options' client timeout, max(1 s, renewDeadline / 2)")
  void fromOptions(@TempDir Path dir) throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("config"), KUBECONFIG);
    for (String type : new String[] {ResourceLocks.LEASES, ResourceLocks.CONFIGMAPS}) {
      ResourceLock lock = ResourceLocks.newLock(type, "ns", "app", ResourceLockConfig.of("me"),
          ResourceLockOptions.builder().setting(KubernetesLockSettings.KUBECONFIG, kubeconfig.toString())
              .renewDeadline(Duration.ofSeconds(3)).build());
      try (AutoCloseable closing = (AutoCloseable) lock) {
        assertEquals(Optional.of(Duration.ofMillis(1500)), lock.clientTimeout(), type);
      }
    }
  }

  @Test
  @DisplayName("A lock on a given client reports that client's request timeout, and none when it has none")
  void fromGivenClient() {
    try (KubernetesClient bounded = client(1234); KubernetesClient unbounded = client(0)) {
      assertEquals(Optional.of(Duration.ofMillis(1234)),
          new LeaseLock(bounded, "ns", "app", ResourceLockConfig.of("me"), Map.of()).clientTimeout());
      assertEquals(Optional.of(Duration.ofMillis(1234)),
          new ConfigMapLock(bounded, "ns", "app", ResourceLockConfig.of("me"), Map.of()).clientTimeout());
      assertEquals(Optional.empty(),
          new LeaseLock(unbounded, "ns", "app", ResourceLockConfig.of("me"), Map.of()).clientTimeout());
    }
  }
}
