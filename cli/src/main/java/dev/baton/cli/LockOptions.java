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
import picocli.CommandLine.Option;

/**
 * Which lock, and the backend settings, by flag or environment variable. Passwords come only from a
 * file or the environment, never from a flag value.
 */
public class LockOptions {
  @Option(names = "--lock", paramLabel = "TYPE", defaultValue = "${env:BATON_LOCK}",
      description = "lock type: leases, configmaps, etcd, zookeeper, a migration PRIMARY-to-SECONDARY (env BATON_LOCK)")
  String lockType;

  @Option(names = "--namespace", defaultValue = "${env:BATON_NAMESPACE:-default}",
      description = "the lock's namespace (env BATON_NAMESPACE, default ${DEFAULT-VALUE})")
  String namespace;

  @Option(names = "--name", defaultValue = "${env:BATON_NAME}",
      description = "the lock's name (env BATON_NAME)")
  String name;

  @Option(names = "--setting", paramLabel = "KEY=VALUE", description = "any backend setting, repeatable")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--etcd-endpoints", defaultValue = "${env:BATON_ETCD_ENDPOINTS}", description = "etcd client URLs, comma-separated (env BATON_ETCD_ENDPOINTS)")
  String etcdEndpoints;

  @Option(names = "--etcd-user", defaultValue = "${env:BATON_ETCD_USER}", description = "etcd user (env BATON_ETCD_USER)")
  String etcdUser;

  @Option(names = "--etcd-password-file", defaultValue = "${env:BATON_ETCD_PASSWORD_FILE}",
      description = "file holding the etcd password (env BATON_ETCD_PASSWORD_FILE, or the password itself in BATON_ETCD_PASSWORD)")
  Path etcdPasswordFile;

  @Option(names = "--tls-ca", defaultValue = "${env:BATON_TLS_CA}", description = "etcd CA certificate, PEM (env BATON_TLS_CA)")
  Path tlsCa;

  @Option(names = "--tls-cert", defaultValue = "${env:BATON_TLS_CERT}", description = "etcd client certificate, PEM (env BATON_TLS_CERT)")
  Path tlsCert;

  @Option(names = "--tls-key", defaultValue = "${env:BATON_TLS_KEY}", description = "etcd client key, PKCS#8 PEM (env BATON_TLS_KEY)")
  Path tlsKey;

  @Option(names = "--zookeeper-connect", defaultValue = "${env:BATON_ZOOKEEPER_CONNECT}",
      description = "ZooKeeper connect string host:port,... (env BATON_ZOOKEEPER_CONNECT)")
  String zookeeperConnect;

  @Option(names = "--zookeeper-digest-file", defaultValue = "${env:BATON_ZOOKEEPER_DIGEST_FILE}",
      description = "file holding user:password for ZooKeeper digest auth (env BATON_ZOOKEEPER_DIGEST_FILE, or BATON_ZOOKEEPER_DIGEST)")
  Path zookeeperDigestFile;

  @Option(names = "--kubeconfig", defaultValue = "${env:BATON_KUBECONFIG}", description = "kubeconfig file (env BATON_KUBECONFIG; default: in-cluster or ~/.kube/config)")
  Path kubeconfig;

  /**
   * The settings for the lock: the convenience flags, then {@code --setting} entries (which win),
   * then secrets from files or the environment.
   *
   * @param environment the process environment
   * @return the settings
   */
  Map<String, String> settings(Function<String, String> environment) {
    Map<String, String> s = new LinkedHashMap<>();
    put(s, "etcd.endpoints", etcdEndpoints);
    put(s, "etcd.user", etcdUser);
    put(s, "etcd.tls.ca", tlsCa);
    put(s, "etcd.tls.cert", tlsCert);
    put(s, "etcd.tls.key", tlsKey);
    put(s, "zookeeper.connect", zookeeperConnect);
    put(s, "kubernetes.kubeconfig", kubeconfig);
    s.putAll(settings);
    for (String secret : List.of("etcd.password", "zookeeper.digest")) {
      if (s.containsKey(secret)) {
        throw new CliException(ExitCodes.USAGE, secret + " must not be given on the command line, where other users "
            + "can read it; use " + (secret.startsWith("etcd") ? "--etcd-password-file or BATON_ETCD_PASSWORD"
            : "--zookeeper-digest-file or BATON_ZOOKEEPER_DIGEST"), null);
      }
    }
    secret(s, "etcd.password", etcdPasswordFile, environment.apply("BATON_ETCD_PASSWORD"));
    secret(s, "zookeeper.digest", zookeeperDigestFile, environment.apply("BATON_ZOOKEEPER_DIGEST"));
    return s;
  }

  /** Fails with a usage error when the lock type or name is missing. */
  void requireLock() {
    if (lockType == null || lockType.isBlank()) {
      throw new CliException(ExitCodes.USAGE, "--lock TYPE is required (or BATON_LOCK): leases, configmaps, etcd, "
          + "zookeeper, or PRIMARY-to-SECONDARY", null);
    }
    if (name == null || name.isBlank()) {
      throw new CliException(ExitCodes.USAGE, "--name NAME is required (or BATON_NAME): the name of the lock", null);
    }
  }

  private static void put(Map<String, String> s, String key, Object value) {
    if (value != null && !value.toString().isBlank()) {
      s.put(key, value.toString().trim());
    }
  }

  private static void secret(Map<String, String> s, String key, Path file, String fromEnvironment) {
    if (file != null) {
      try {
        s.put(key, Files.readString(file, StandardCharsets.UTF_8).strip());
      } catch (IOException e) {
        throw new CliException(ExitCodes.SETUP, "cannot read the " + key + " file " + file + ": " + e.getMessage(), e);
      }
    } else if (fromEnvironment != null && !fromEnvironment.isBlank()) {
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
    ResourceLockOptions options = ResourceLockOptions.builder().settings(settings(System::getenv))
        .renewDeadline(renewDeadline).build();
    try {
      return ResourceLocks.newLock(lockType, namespace, name, ResourceLockConfig.of(identity), options);
    } catch (LockTypeResolutionException e) {
      throw new CliException(ExitCodes.SETUP, e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.SETUP, e.getMessage(), e);
    } catch (LockException e) {
      throw new CliException(ExitCodes.SETUP, "cannot set up the " + lockType + " lock " + namespace + "/" + name + ": "
          + e.getMessage(), e);
    }
  }
}
