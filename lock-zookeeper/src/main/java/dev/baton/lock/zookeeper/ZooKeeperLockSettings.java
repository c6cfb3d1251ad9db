package dev.baton.lock.zookeeper;

import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * The settings of the ZooKeeper lock, read and checked from {@link ResourceLockOptions}.
 *
 * @param connect the connect string, {@code host:port[,host:port...]}
 * @param chroot a path every node lives under (ZooKeeper's chroot), or empty
 * @param root the root of the lock nodes, without a trailing slash
 * @param sessionTimeout the ZooKeeper session timeout
 * @param connectionTimeout how long a connection attempt may take
 * @param retryBaseSleep the first sleep of the exponential retry policy
 * @param retryMaxAttempts how often Curator retries an operation (always within the call timeout)
 * @param digest {@code user:password} for digest authentication and ACLs (never printed), or empty
 * @param timeout the bound of every call: max(1 s, renewDeadline / 2)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record ZooKeeperLockSettings(String connect, Optional<String> chroot, String root, Duration sessionTimeout,
    Duration connectionTimeout, Duration retryBaseSleep, int retryMaxAttempts, Optional<String> digest,
    Duration timeout) {

  /** The connect string, {@code host:port[,host:port...]}. */
  public static final String CONNECT = "zookeeper.connect";
  /** The root of the lock nodes; default {@value #DEFAULT_ROOT}. */
  public static final String ROOT = "zookeeper.root";
  /** A chroot path, such as {@code /apps}, that the client works under; created when missing. */
  public static final String CHROOT = "zookeeper.chroot";
  /** The session timeout, such as {@code 30s} or {@code PT30S}; default 30 s. */
  public static final String SESSION_TIMEOUT = "zookeeper.sessionTimeout";
  /** The connection timeout; default the call timeout. */
  public static final String CONNECTION_TIMEOUT = "zookeeper.connectionTimeout";
  /** The retry policy {@code exponential:BASE_SLEEP:MAX_ATTEMPTS}, such as {@code exponential:50ms:3} (the default). */
  public static final String RETRY = "zookeeper.retry";
  /** {@code user:password} for digest authentication; the record node then gets ACLs for those credentials. */
  public static final String DIGEST = "zookeeper.digest";
  /** The default root. */
  /** Every setting key this backend reads; {@code ResourceLocks.newLock} rejects others. */
  public static final Set<String> KEYS = Set.of(CONNECT, ROOT, CHROOT, SESSION_TIMEOUT, CONNECTION_TIMEOUT, RETRY, DIGEST);

  public static final String DEFAULT_ROOT = "/baton/leaderelection";

  private static final Pattern RETRY_SYNTAX = Pattern.compile("exponential:([^:]+):(\\d+)");

  /** Checks the fields are present. */
  public ZooKeeperLockSettings {
    Objects.requireNonNull(connect, "connect");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Reads the settings; every problem is reported in one message naming the setting, the value and
   * the rule.
   *
   * @param options the lock options
   * @param connectRequired whether {@value #CONNECT} must be given (no ready-made client)
   * @return the settings
   * @throws IllegalArgumentException when a setting is missing or invalid
   */
  public static ZooKeeperLockSettings from(ResourceLockOptions options, boolean connectRequired) {
    List<String> problems = new ArrayList<>();
    String connect = options.setting(CONNECT).map(String::trim).orElse("");
    if (connect.isEmpty()) {
      if (connectRequired) {
        problems.add(CONNECT + " is missing: give the ensemble as host:port[,host:port...], such as 127.0.0.1:2181, "
            + "or pass a ready-made org.apache.curator.framework.CuratorFramework in the options");
      }
    } else {
      for (String server : connect.split(",")) {
        String s = server.trim();
        int colon = s.lastIndexOf(':');
        if (s.contains("/") || colon <= 0 || !s.substring(colon + 1).matches("\\d{1,5}")) {
          problems.add(CONNECT + " entry '" + s + "' must be host:port (a chroot goes in " + CHROOT + ")");
        }
      }
    }
    Optional<String> chroot = options.setting(CHROOT).map(String::trim).filter(c -> !c.isEmpty() && !c.equals("/"));
    chroot.ifPresent(c -> path(CHROOT, c, problems));
    chroot = chroot.map(c -> c.endsWith("/") ? c.substring(0, c.length() - 1) : c);
    String root = options.setting(ROOT).map(String::trim).orElse(DEFAULT_ROOT);
    path(ROOT, root, problems);
    while (root.length() > 1 && root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
    Duration timeout = options.clientTimeout();
    Duration session = duration(options, SESSION_TIMEOUT, Duration.ofSeconds(30), problems);
    Duration connection = duration(options, CONNECTION_TIMEOUT, timeout, problems);
    Duration baseSleep = Duration.ofMillis(50);
    int attempts = 3;
    Optional<String> retry = options.setting(RETRY).map(String::trim);
    if (retry.isPresent()) {
      Matcher m = RETRY_SYNTAX.matcher(retry.get());
      Duration parsed = m.matches() ? parseDuration(m.group(1)) : null;
      if (parsed == null || parsed.isNegative() || parsed.isZero()) {
        problems.add(RETRY + " '" + retry.get() + "' must be exponential:BASE_SLEEP:MAX_ATTEMPTS, such as exponential:50ms:3");
      } else {
        baseSleep = parsed;
        attempts = Integer.parseInt(m.group(2));
      }
    }
    Optional<String> digest = options.setting(DIGEST);
    if (digest.isPresent()) {
      int colon = digest.get().indexOf(':');
      if (colon <= 0 || colon == digest.get().length() - 1) {
        problems.add(DIGEST + " must be user:password (value not shown)");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid ZooKeeper lock settings: " + String.join("; ", problems));
    }
    return new ZooKeeperLockSettings(connect, chroot, root, session, connection, baseSleep, attempts, digest, timeout);
  }

  private static void path(String key, String value, List<String> problems) {
    if (!value.startsWith("/") || value.contains("//")) {
      problems.add(key + " '" + value + "' must be an absolute ZooKeeper path such as /baton/leaderelection");
    }
  }

  private static Duration duration(ResourceLockOptions options, String key, Duration fallback, List<String> problems) {
    Optional<String> raw = options.setting(key).map(String::trim);
    if (raw.isEmpty()) {
      return fallback;
    }
    Duration d = parseDuration(raw.get());
    if (d == null || d.isNegative() || d.isZero()) {
      problems.add(key + " '" + raw.get() + "' must be a positive duration such as 30s, 500ms or PT30S");
      return fallback;
    }
    return d;
  }

  static Duration parseDuration(String s) {
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      if (s.endsWith("s") && !s.startsWith("P")) {
        return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      }
      return Duration.parse(s);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The user of the digest, if any (the password is never exposed). */
  public Optional<String> digestUser() {
    return digest.map(d -> d.substring(0, d.indexOf(':')));
  }

  /** Everything but the password. */
  @Override
  public String toString() {
    return "ZooKeeperLockSettings{connect=" + connect + chroot.map(c -> ", chroot=" + c).orElse("") + ", root=" + root
        + ", sessionTimeout=" + sessionTimeout + ", connectionTimeout=" + connectionTimeout + ", retry=exponential:"
        + retryBaseSleep.toMillis() + "ms:" + retryMaxAttempts + digestUser().map(u -> ", digest=" + u + ":****").orElse("")
        + ", timeout=" + timeout + "}";
  }
}
