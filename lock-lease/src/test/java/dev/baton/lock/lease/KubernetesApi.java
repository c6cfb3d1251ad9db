package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.testkit.FaultInjectingResourceLock;
import dev.baton.testsupport.MockApiDispatcher;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A Kubernetes API for tests: the cluster of the kubeconfig named by {@code BATON_KUBECONFIG}; else
 * K3s in a container when a Docker engine is available; else fabric8's mock API server in CRUD mode
 * (HTTPS, in this JVM).
 */
final class KubernetesApi implements AutoCloseable {
  static final String ANNOTATION = "control-plane.alpha.kubernetes.io/leader";
  static final String K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final AutoCloseable container;
  /** What {@link #plantAnnotation} planted: the annotation's value and the bytes it stands for. */
  private final Map<String, Map.Entry<String, byte[]>> plantedAnnotations = new java.util.concurrent.ConcurrentHashMap<>();

  private KubernetesApi(KubernetesMockServer server, KubernetesClient client) {
    this(server, client, null);
  }

  private KubernetesApi(KubernetesMockServer server, KubernetesClient client, AutoCloseable container) {
    this.server = server;
    this.client = client;
    this.container = container;
  }

  static KubernetesApi start() {
    String kubeconfig = System.getenv("BATON_KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      try {
        String contents = java.nio.file.Files.readString(java.nio.file.Path.of(kubeconfig));
        return new KubernetesApi(null, new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(null, contents, kubeconfig)).build());
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot read BATON_KUBECONFIG " + kubeconfig + ": " + e, e);
      }
    }
    if (dev.baton.testsupport.Docker.isAvailable()) {
      org.testcontainers.k3s.K3sContainer k3s =
          new org.testcontainers.k3s.K3sContainer(org.testcontainers.utility.DockerImageName.parse(K3S_IMAGE));
      k3s.start();
      return new KubernetesApi(null, new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build(), k3s);
    }
    return mock(new MockApiDispatcher());
  }

  /** fabric8's mock API server (HTTPS, in this JVM) answering through {@code dispatcher}. */
  static KubernetesApi mock(KubernetesCrudDispatcher dispatcher) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        dispatcher, true);
    server.init();
    return new KubernetesApi(server, server.createClient());
  }

  /** Whether this is the mock server (not a real cluster). */
  boolean isMock() {
    return server != null;
  }

  /** The shared client (do not close). */
  KubernetesClient client() {
    return client;
  }

  /**
   * The lock without its watch capability, so electors on it poll. The conformance kit's tests that
   * do not use a watch run this way on the shared mock API server (see {@link KitApi}), apart from
   * fabric8's mock server's faults when watches end while their objects are written (see {@link
   * MockApiDispatcher}). Real API servers have none.
   */
  static ResourceLock withoutWatch(ResourceLock lock) {
    return new FaultInjectingResourceLock(lock) { };
  }

  /** A new client to the same server, with changes to its configuration; the caller closes it. */
  KubernetesClient newClient(UnaryOperator<Config> change) {
    Config config = change.apply(new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration()).build());
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Makes sure a namespace exists on a real cluster (the mock server needs none). */
  void ensureNamespace(String namespace) {
    if (!isMock() && client.namespaces().withName(namespace).get() == null) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
    }
  }

  /**
   * Sets the leader annotation of a ConfigMap to {@code raw}: as text when it is UTF-8 (what the lock
   * writes), else as ISO-8859-1 characters, so that any byte survives.
   */
  void plantAnnotation(String namespace, String name, byte[] raw) {
    String value = utf8(raw).orElseGet(() -> new String(raw, StandardCharsets.ISO_8859_1));
    plantedAnnotations.put(namespace + "/" + name, Map.entry(value, raw.clone()));
    ConfigMap existing = client.configMaps().inNamespace(namespace).withName(name).get();
    if (existing == null) {
      client.resource(new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name)
          .withAnnotations(Map.of(ANNOTATION, value)).endMetadata().build()).create();
    } else {
      Map<String, String> annotations = new HashMap<>(existing.getMetadata().getAnnotations() == null
          ? Map.of() : existing.getMetadata().getAnnotations());
      annotations.put(ANNOTATION, value);
      existing.getMetadata().setAnnotations(annotations);
      client.resource(existing).update();
    }
  }

  /**
   * The leader annotation's bytes: the bytes {@link #plantAnnotation} planted while the annotation still
   * holds them, else the annotation as UTF-8 (as the lock writes and reads it).
   */
  Optional<byte[]> annotation(String namespace, String name) {
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
    if (cm == null || cm.getMetadata().getAnnotations() == null || !cm.getMetadata().getAnnotations().containsKey(ANNOTATION)) {
      return Optional.empty();
    }
    String value = cm.getMetadata().getAnnotations().get(ANNOTATION);
    Map.Entry<String, byte[]> planted = plantedAnnotations.get(namespace + "/" + name);
    if (planted != null && planted.getKey().equals(value)) {
      return Optional.of(planted.getValue().clone());
    }
    return Optional.of(value.getBytes(StandardCharsets.UTF_8));
  }

  private static Optional<String> utf8(byte[] raw) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(raw)).toString());
    } catch (java.nio.charset.CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** The API server's host and port, for a proxy in front of it. */
  java.net.InetSocketAddress address() {
    java.net.URI u = java.net.URI.create(client.getConfiguration().getMasterUrl());
    return new java.net.InetSocketAddress(u.getHost(), u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80);
  }

  /**
   * A kubeconfig file for this API server reached at {@code via} (a proxy), with this client's
   * credentials; TLS is not verified, as the proxy's address is not in the server's certificate.
   */
  java.nio.file.Path kubeconfigVia(java.net.InetSocketAddress via) {
    Config c = client.getConfiguration();
    String scheme = java.net.URI.create(c.getMasterUrl()).getScheme();
    StringBuilder user = new StringBuilder();
    if (c.getOauthToken() != null) {
      user.append("    token: ").append(c.getOauthToken()).append('\n');
    }
    if (c.getClientCertData() != null && c.getClientKeyData() != null) {
      user.append("    client-certificate-data: ").append(c.getClientCertData()).append('\n')
          .append("    client-key-data: ").append(c.getClientKeyData()).append('\n');
    }
    String yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: proxy\n  cluster:\n    server: " + scheme
        + "://127.0.0.1:" + via.getPort() + "\n    insecure-skip-tls-verify: true\nusers:\n- name: user\n  user:"
        + (user.length() == 0 ? " {}\n" : "\n" + user) + "contexts:\n- name: proxy\n  context:\n    cluster: proxy\n"
        + "    user: user\ncurrent-context: proxy\n";
    try {
      java.nio.file.Path file = java.nio.file.Files.createTempFile("kubeconfig-via-proxy", ".yaml");
      file.toFile().deleteOnExit();
      return java.nio.file.Files.writeString(file, yaml);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write a kubeconfig: " + e, e);
    }
  }

  @Override
  public void close() {
    client.close();
    if (server != null) {
      server.destroy();
    }
    if (container != null) {
      try {
        container.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot stop the K3s container: " + e, e);
      }
    }
  }
}
