package dev.baton.lock.etcd;

import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The settings of the etcd lock, read and checked from {@link ResourceLockOptions}.
 *
 * @param endpoints the etcd client URLs
 * @param prefix the key prefix, without a trailing slash
 * @param caFile the CA certificate for TLS, if any
 * @param certFile the client certificate for TLS, if any
 * @param keyFile the client key (PKCS#8 PEM) for TLS, if any
 * @param user the user for etcd authentication, if any
 * @param password the password (never printed), if any
 * @param timeout the bound of every call: max(1 s, renewDeadline / 2)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record EtcdLockSettings(List<URI> endpoints, String prefix, Optional<Path> caFile, Optional<Path> certFile,
    Optional<Path> keyFile, Optional<String> user, Optional<String> password, Duration timeout) {

  /** Comma-separated client URLs, such as {@code http://10.0.0.1:2379,http://10.0.0.2:2379}. */
  public static final String ENDPOINTS = "etcd.endpoints";
  /** The key prefix; default {@value #DEFAULT_PREFIX}. */
  public static final String PREFIX = "etcd.prefix";
  /** A PEM file of the CA that signed the servers' certificates. */
  public static final String TLS_CA = "etcd.tls.ca";
  /** A PEM file of the client certificate, for mutual TLS. */
  public static final String TLS_CERT = "etcd.tls.cert";
  /** A PEM file of the client's PKCS#8 private key, for mutual TLS. */
  public static final String TLS_KEY = "etcd.tls.key";
  /** The user name for etcd authentication. */
  public static final String USER = "etcd.user";
  /** The password for etcd authentication; never printed. */
  public static final String PASSWORD = "etcd.password";
  /** The default key prefix. */
  /** Every setting key this backend reads; {@code ResourceLocks.newLock} rejects others. */
  public static final Set<String> KEYS = Set.of(ENDPOINTS, PREFIX, TLS_CA, TLS_CERT, TLS_KEY, USER, PASSWORD);

  public static final String DEFAULT_PREFIX = "/baton/leaderelection";

  /** Copies the lists and checks the fields are present. */
  public EtcdLockSettings {
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Reads the settings; every problem is reported in one message naming the setting, the value
   * and the rule.
   *
   * @param options the lock options
   * @param endpointsRequired whether {@value #ENDPOINTS} must be given (no ready-made client)
   * @return the settings
   * @throws IllegalArgumentException when a setting is missing or invalid
   */
  public static EtcdLockSettings from(ResourceLockOptions options, boolean endpointsRequired) {
    List<String> problems = new ArrayList<>();
    List<URI> endpoints = new ArrayList<>();
    Optional<String> rawEndpoints = options.setting(ENDPOINTS);
    if (rawEndpoints.isEmpty() || rawEndpoints.get().isBlank()) {
      if (endpointsRequired) {
        problems.add(ENDPOINTS + " is missing: give the etcd client URLs, comma-separated, such as "
            + "http://127.0.0.1:2379, or pass a ready-made io.etcd.jetcd.Client in the options");
      }
    } else {
      for (String part : rawEndpoints.get().split(",")) {
        String e = part.trim();
        if (!e.contains("://")) {
          problems.add(ENDPOINTS + " entry '" + e + "' must be http://HOST:PORT or https://HOST:PORT (add the scheme: "
              + "http://" + e + ")");
          continue;
        }
        try {
          URI uri = URI.create(e);
          String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
          if (uri.getRawUserInfo() != null) {
            // Never echo it: the user info may hold a password.
            problems.add(ENDPOINTS + " entry '" + e.replace(uri.getRawUserInfo() + "@", "****@") + "' must not carry "
                + "credentials: give them as " + USER + " and " + PASSWORD);
          } else if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getPort() < 0) {
            problems.add(ENDPOINTS + " entry '" + e + "' must be http://HOST:PORT or https://HOST:PORT");
          } else {
            endpoints.add(uri);
          }
        } catch (IllegalArgumentException bad) {
          problems.add(ENDPOINTS + " entry '" + e + "' is not a URL: " + bad.getMessage());
        }
      }
    }
    String prefix = options.setting(PREFIX).orElse(DEFAULT_PREFIX).trim();
    if (!prefix.startsWith("/") || prefix.contains("//")) {
      problems.add(PREFIX + " '" + prefix + "' must start with '/' and contain no empty segment, such as "
          + DEFAULT_PREFIX);
    }
    while (prefix.length() > 1 && prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    Optional<Path> ca = file(options, TLS_CA, problems);
    Optional<Path> cert = file(options, TLS_CERT, problems);
    Optional<Path> key = file(options, TLS_KEY, problems);
    if (cert.isPresent() != key.isPresent()) {
      problems.add(TLS_CERT + " and " + TLS_KEY + " must be given together, for mutual TLS");
    }
    Optional<String> user = options.setting(USER).filter(u -> !u.isBlank());
    Optional<String> password = options.setting(PASSWORD);
    if (user.isPresent() != password.isPresent()) {
      problems.add(USER + " and " + PASSWORD + " must be given together"
          + (user.isPresent() ? " (user '" + user.get() + "' has no password)" : " (a password without a user)"));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid etcd lock settings: " + String.join("; ", problems));
    }
    return new EtcdLockSettings(endpoints, prefix, ca, cert, key, user, password, options.clientTimeout());
  }

  private static Optional<Path> file(ResourceLockOptions options, String key, List<String> problems) {
    Optional<String> value = options.setting(key).filter(v -> !v.isBlank());
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Path path = Path.of(value.get().trim());
    if (!Files.isReadable(path)) {
      problems.add(key + " '" + path + "' is not a readable file");
    }
    return Optional.of(path);
  }

  /** Whether the client uses TLS (a CA file or https endpoints). */
  public boolean tls() {
    return caFile.isPresent() || endpoints.stream().anyMatch(u -> "https".equalsIgnoreCase(u.getScheme()));
  }

  /** The endpoints as given, comma-separated, for messages. */
  public String endpointList() {
    return String.join(",", endpoints.stream().map(URI::toString).toList());
  }

  /** Everything but the password. */
  @Override
  public String toString() {
    return "EtcdLockSettings{endpoints=" + endpointList() + ", prefix=" + prefix + ", tls=" + tls()
        + user.map(u -> ", user=" + u + ", password=****").orElse("") + ", timeout=" + timeout + "}";
  }
}
