package dev.baton.cli;

import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.LockTypeResolutionException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/**
 * Which lock, and the backend settings, by flag or environment variable. Passwords come only from a
 * file or the environment, never from a flag value.
 */
public class LockOptions {
  @Option(names = "--lock", paramLabel = "TYPE", defaultValue = "${env:BATON_LOCK}",
      description = "lock type: leases, configmaps, etcd, zookeeper, jdbc, a migration PRIMARY-to-SECONDARY (env BATON_LOCK)")
  String lockType;

  @Option(names = "--namespace", defaultValue = "${env:BATON_NAMESPACE}",
      description = {"the lock's namespace (env BATON_NAMESPACE); default for Kubernetes locks: the kubeconfig",
          "context's namespace or the pod's, as kubectl; else 'default'"})
  String namespace;

  @Option(names = "--name", defaultValue = "${env:BATON_NAME}",
      description = "the lock's name (env BATON_NAME)")
  String name;

  @Option(names = "--setting", paramLabel = "KEY=VALUE", description = "any backend setting, repeatable")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--etcd-endpoints", description = "etcd client URLs, comma-separated (env BATON_ETCD_ENDPOINTS)")
  String etcdEndpoints;

  @Option(names = "--etcd-user", description = "etcd user (env BATON_ETCD_USER)")
  String etcdUser;

  @Option(names = "--etcd-password-file", description = "file holding the etcd password (env BATON_ETCD_PASSWORD_FILE, or the password itself in BATON_ETCD_PASSWORD)")
  Path etcdPasswordFile;

  @Option(names = "--tls-ca", description = "etcd CA certificate, PEM (env BATON_TLS_CA)")
  Path tlsCa;

  @Option(names = "--tls-cert", description = "etcd client certificate, PEM (env BATON_TLS_CERT)")
  Path tlsCert;

  @Option(names = "--tls-key", description = "etcd client key, PKCS#8 PEM (env BATON_TLS_KEY)")
  Path tlsKey;

  @Option(names = "--zookeeper-connect", description = "ZooKeeper connect string host:port,... (env BATON_ZOOKEEPER_CONNECT)")
  String zookeeperConnect;

  @Option(names = "--zookeeper-digest-file", description = "file holding user:password for ZooKeeper digest auth (env BATON_ZOOKEEPER_DIGEST_FILE, or BATON_ZOOKEEPER_DIGEST)")
  Path zookeeperDigestFile;

  @Option(names = "--jdbc-password-file",
      description = "file holding the database password for --lock jdbc (env BATON_JDBC_PASSWORD_FILE, or BATON_JDBC_PASSWORD)")
  Path jdbcPasswordFile;

  @Option(names = "--kubeconfig", description = "kubeconfig file (env BATON_KUBECONFIG; default: in-cluster or ~/.kube/config)")
  Path kubeconfig;

  /** Secret environment variables: read by baton, never passed on to the supervised command. */
  static final List<String> SECRET_ENVIRONMENT = List.of("BATON_ETCD_PASSWORD", "BATON_ZOOKEEPER_DIGEST",
      "BATON_JDBC_PASSWORD");

  /**
   * The settings for the lock: the convenience flags, then {@code --setting} entries (which win),
   * then secrets from files. Flags and {@code --setting} are explicit: a key the chosen lock type does
   * not read is rejected by {@code ResourceLocks.newLock}. Environment variables are ambient (one
   * environment may serve several lock types), so a value from the environment is used only when the
   * lock type reads its key.
   *
   * @param environment the process environment
   * @param reads whether the chosen lock type reads a setting key
   * @return the settings
   */
  Map<String, String> settings(Function<String, String> environment, Predicate<String> reads) {
    Map<String, String> s = new LinkedHashMap<>();
    put(s, "etcd.endpoints", etcdEndpoints, environment.apply("BATON_ETCD_ENDPOINTS"), reads);
    put(s, "etcd.user", etcdUser, environment.apply("BATON_ETCD_USER"), reads);
    put(s, "etcd.tls.ca", tlsCa, environment.apply("BATON_TLS_CA"), reads);
    put(s, "etcd.tls.cert", tlsCert, environment.apply("BATON_TLS_CERT"), reads);
    put(s, "etcd.tls.key", tlsKey, environment.apply("BATON_TLS_KEY"), reads);
    put(s, "zookeeper.connect", zookeeperConnect, environment.apply("BATON_ZOOKEEPER_CONNECT"), reads);
    put(s, "kubernetes.kubeconfig", kubeconfig, environment.apply("BATON_KUBECONFIG"), reads);
    s.putAll(settings);
    Map<String, String> secretSources = Map.of(
        "etcd.password", "--etcd-password-file or BATON_ETCD_PASSWORD",
        "zookeeper.digest", "--zookeeper-digest-file or BATON_ZOOKEEPER_DIGEST",
        "jdbc.password", "--jdbc-password-file or BATON_JDBC_PASSWORD");
    for (Map.Entry<String, String> secret : new java.util.TreeMap<>(secretSources).entrySet()) {
      if (s.containsKey(secret.getKey())) {
        throw new CliException(ExitCodes.USAGE, secret.getKey() + " must not be given on the command line, where other "
            + "users can read it; use " + secret.getValue(), null);
      }
    }
    secret(s, "etcd.password", etcdPasswordFile, environment.apply("BATON_ETCD_PASSWORD_FILE"),
        environment.apply("BATON_ETCD_PASSWORD"), reads);
    secret(s, "zookeeper.digest", zookeeperDigestFile, environment.apply("BATON_ZOOKEEPER_DIGEST_FILE"),
        environment.apply("BATON_ZOOKEEPER_DIGEST"), reads);
    secret(s, "jdbc.password", jdbcPasswordFile, environment.apply("BATON_JDBC_PASSWORD_FILE"),
        environment.apply("BATON_JDBC_PASSWORD"), reads);
    return s;
  }

  /**
   * Why the store may not answer, found by probing its endpoints the way an operator would (for
   * etcd: unknown host, connection refused, a silent port, TLS against plaintext, not etcd); empty
   * for stores without a probe.
   *
   * @return the findings
   */
  java.util.Optional<String> diagnoseConnection() {
    if (lockType == null || !java.util.Arrays.asList(lockType.split("-to-")).contains("etcd")) {
      return java.util.Optional.empty();
    }
    try {
      // The endpoints exactly as the lock read them (the lock's own parsing of the settings).
      List<java.net.URI> endpoints = dev.baton.lock.etcd.EtcdLockSettings.from(ResourceLockOptions.builder()
          .settings(settings(System::getenv, key -> key.startsWith("etcd."))).build(), true).endpoints();
      return java.util.Optional.of(dev.baton.lock.etcd.EtcdConnectionDiagnosis.explain(endpoints, Duration.ofSeconds(1)));
    } catch (IllegalArgumentException | CliException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * The namespace given, else kubectl's for a Kubernetes lock type (the kubeconfig context's, or the
   * pod's), else {@code default}.
   */
  String namespace(ResourceLockOptions options) {
    if (namespace != null && !namespace.isBlank()) {
      return namespace.trim();
    }
    boolean kubernetes = lockType != null && java.util.Arrays.stream(lockType.split("-to-"))
        .anyMatch(t -> t.equals(ResourceLocks.LEASES) || t.equals(ResourceLocks.CONFIGMAPS));
    return kubernetes ? dev.baton.lock.lease.KubernetesLockProviders.defaultNamespace(options) : "default";
  }

  /**
   * Fails with a usage error when the lock type or name is missing, or when the lock type is, or
   * contains, the in-memory lock.
   */
  void requireLock() {
    if (lockType == null || lockType.isBlank()) {
      throw new CliException(ExitCodes.USAGE, "--lock TYPE is required (or BATON_LOCK): leases, configmaps, etcd, "
          + "zookeeper, jdbc, or PRIMARY-to-SECONDARY", null);
    }
    if (name == null || name.isBlank()) {
      throw new CliException(ExitCodes.USAGE, "--name NAME is required (or BATON_NAME): the name of the lock", null);
    }
    refuseInMemory(lockType);
  }

  /**
   * The in-memory lock keeps its record inside one JVM: every baton process would elect itself in a
   * store of its own, so two of them would both lead. Only {@code baton demo} uses it, in one process.
   */
  static void refuseInMemory(String lockType) {
    String type = lockType.trim();
    boolean whole = type.equals(ResourceLocks.INMEMORY);
    if (whole || java.util.Arrays.stream(type.split("-to-")).map(String::trim).anyMatch(ResourceLocks.INMEMORY::equals)) {
      throw new CliException(ExitCodes.USAGE, "lock type '" + type + "' " + (whole ? "is" : "contains")
          + " the in-memory lock, whose record lives inside one process: every baton process would have its own "
          + "store and lead alone. Use a store all candidates reach (leases, etcd, zookeeper, jdbc); "
          + "'baton demo' shows the in-memory lock in one process", null);
    }
  }

  private static void put(Map<String, String> s, String key, Object flag, String fromEnvironment,
      Predicate<String> reads) {
    if (flag != null && !flag.toString().isBlank()) {
      s.put(key, flag.toString().trim());
    } else if (fromEnvironment != null && !fromEnvironment.isBlank() && reads.test(key)) {
      s.put(key, fromEnvironment.trim());
    }
  }

  private static void secret(Map<String, String> s, String key, Path flagFile, String fileFromEnvironment,
      String fromEnvironment, Predicate<String> reads) {
    Path file = flagFile != null ? flagFile
        : fileFromEnvironment != null && !fileFromEnvironment.isBlank() && reads.test(key) ? Path.of(fileFromEnvironment.trim())
        : null;
    if (file != null) {
      try {
        s.put(key, Files.readString(file, StandardCharsets.UTF_8).strip());
      } catch (IOException e) {
        throw new CliException(ExitCodes.SETUP, "cannot read the " + key + " file " + file + ": " + e.getMessage(), e);
      }
    } else if (fromEnvironment != null && !fromEnvironment.isBlank() && reads.test(key)) {
      s.put(key, fromEnvironment.strip());
    }
  }

  /**
   * Creates the lock through {@link ResourceLocks#newLock}, turning every failure into one line.
   *
   * @param identity the candidate's identity
   * @param renewDeadline the renew deadline client timeouts derive from
   * @return the lock
   */
  ResourceLock newLock(String identity, Duration renewDeadline) {
    requireLock();
    String ns = namespace;
    try {
      Predicate<String> reads = ResourceLocks.settingKeys(lockType).<Predicate<String>>map(keys -> keys::contains)
          .orElse(key -> true);
      ResourceLockOptions options = ResourceLockOptions.builder().settings(settings(System::getenv, reads))
          .renewDeadline(renewDeadline).build();
      ns = namespace(options);
      return ResourceLocks.newLock(lockType, ns, name, ResourceLockConfig.of(identity), options);
    } catch (LockTypeResolutionException e) {
      throw new CliException(ExitCodes.SETUP, e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.SETUP, e.getMessage(), e);
    } catch (LockException e) {
      throw new CliException(ExitCodes.SETUP, "cannot set up the " + lockType + " lock " + ns + "/" + name + ": "
          + e.getMessage(), e);
    }
  }
}
