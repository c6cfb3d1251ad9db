package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the Kubernetes locks find their cluster, and what they say when there is none. */
class KubernetesConfigurationTest {

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
      - name: with-ns
        context: {cluster: c, user: u, namespace: payments}
      - name: without-ns
        context: {cluster: c, user: u}
      current-context: with-ns
      """;

  @Test
  @DisplayName("Outside a pod and without a kubeconfig, the error says so and names where it looked")
  void noConfiguration(@TempDir Path home) throws Exception {
    Optional<String> problem = KubernetesLockProviders.missingConfiguration(Map.<String, String>of()::get, home);
    assertEquals(Optional.of("no Kubernetes configuration found: not running in a pod (KUBERNETES_SERVICE_HOST is not set) "
        + "and no kubeconfig at " + home.resolve(".kube/config") + "; give one with the setting kubernetes.kubeconfig "
        + "(baton: --kubeconfig) or KUBECONFIG"), problem);
    Path listed = home.resolve("missing-a");
    problem = KubernetesLockProviders.missingConfiguration(Map.of("KUBECONFIG", listed + ":" + home.resolve("missing-b"))::get, home);
    assertTrue(problem.orElseThrow().contains("no kubeconfig at " + listed + ", " + home.resolve("missing-b")), problem.get());
    Files.createDirectories(home.resolve(".kube"));
    Files.writeString(home.resolve(".kube/config"), KUBECONFIG);
    assertEquals(Optional.empty(), KubernetesLockProviders.missingConfiguration(Map.<String, String>of()::get, home));
  }

  @Test
  @DisplayName("The default namespace is the kubeconfig context's, as kubectl's, else 'default'")
  void defaultNamespace(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("config"), KUBECONFIG);
    assertEquals("payments", KubernetesLockProviders.defaultNamespace(ResourceLockOptions.builder()
        .setting(KubernetesLockSettings.KUBECONFIG, file.toString()).build()));
    assertEquals("default", KubernetesLockProviders.defaultNamespace(ResourceLockOptions.builder()
        .setting(KubernetesLockSettings.KUBECONFIG, file.toString()).setting(KubernetesLockSettings.CONTEXT, "without-ns").build()));
  }
}
