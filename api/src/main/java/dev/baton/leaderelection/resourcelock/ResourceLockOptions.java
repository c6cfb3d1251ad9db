package dev.baton.leaderelection.resourcelock;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * Backend settings for {@link ResourceLocks#newLock}: string settings (endpoints, connect strings,
 * kubeconfig path, TLS files, credentials), ready-made clients looked up by type (a
 * {@code KubernetesClient}, a jetcd {@code Client}, a {@code CuratorFramework}), and the renew
 * deadline that bounds every client call (client-go's {@code NewFromKubeconfig}).
 *
 * <p>Immutable; build one with {@link #builder()}. {@link #toString()} never prints the value of a
 * setting whose key mentions a password, secret, token or credential.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class ResourceLockOptions {

  /**
   * client-go's default renew deadline, 10 seconds: the one source of the default, for the lock's
   * options and for the elector ({@code LeaderElectionConfig.DEFAULT_RENEW_DEADLINE} is this).
   */
  public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);

  /** The least client timeout {@link #clientTimeoutFor} gives, 1 second (client-go's floor). */
  public static final Duration MIN_CLIENT_TIMEOUT = Duration.ofSeconds(1);

  /** The client timeout of options with the default renew deadline: 5 seconds. */
  public static final Duration DEFAULT_CLIENT_TIMEOUT = clientTimeoutFor(DEFAULT_RENEW_DEADLINE);

  private final Map<String, String> settings;
  private final Map<Class<?>, Object> clients;
  private final Duration renewDeadline;

  private ResourceLockOptions(Builder b) {
    this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(b.settings));
    this.clients = Collections.unmodifiableMap(new LinkedHashMap<>(b.clients));
    this.renewDeadline = b.renewDeadline;
  }

  /** Options with no settings, no clients and the default renew deadline. */
  public static ResourceLockOptions defaults() {
    return builder().build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.settings.putAll(settings);
    b.clients.putAll(clients);
    b.renewDeadline = renewDeadline;
    return b;
  }

  /**
   * A string setting.
   *
   * @param key the setting's key, such as {@code etcd.endpoints}
   * @return its value, or empty
   */
  public Optional<String> setting(String key) {
    return Optional.ofNullable(settings.get(key));
  }

  /** All string settings, in the order they were given. */
  public Map<String, String> settings() {
    return settings;
  }

  /**
   * A ready-made client: the one registered under exactly {@code type}, else the first registered
   * client that is an instance of {@code type}.
   *
   * @param type the client's type
   * @param <T> the client's type
   * @return the client, or empty
   */
  public <T> Optional<T> client(Class<T> type) {
    Object exact = clients.get(type);
    if (exact != null) {
      return Optional.of(type.cast(exact));
    }
    return clients.values().stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /** The elector's renew deadline; {@link #DEFAULT_RENEW_DEADLINE} unless set. */
  public Duration renewDeadline() {
    return renewDeadline;
  }

  /**
   * The timeout for each client call, {@link #clientTimeoutFor clientTimeoutFor(renewDeadline())}:
   * {@link #DEFAULT_CLIENT_TIMEOUT} unless the renew deadline was set.
   */
  public Duration clientTimeout() {
    return clientTimeoutFor(renewDeadline);
  }

  /**
   * client-go's rule ({@code NewFromKubeconfig}) for the timeout of each client call: max(1 s,
   * renewDeadline / 2), so that one hung call leaves time for a retry before the renew deadline.
   * The only place Baton computes it.
   *
   * @param renewDeadline the elector's renew deadline, positive
   * @return the client timeout
   */
  public static Duration clientTimeoutFor(Duration renewDeadline) {
    Duration half = renewDeadline.dividedBy(2);
    return half.compareTo(MIN_CLIENT_TIMEOUT) < 0 ? MIN_CLIENT_TIMEOUT : half;
  }

  @Override
  public String toString() {
    String shown = settings.entrySet().stream()
        .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? "<redacted>" : e.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
    String clientTypes = clients.keySet().stream().map(Class::getName).collect(Collectors.joining(", ", "[", "]"));
    return "ResourceLockOptions{settings=" + shown + ", clients=" + clientTypes
        + ", renewDeadline=" + renewDeadline + "}";
  }

  /**
   * Whether a setting's value must never be printed.
   *
   * @param key a setting's key
   * @return {@code true} for keys that mention a password, secret, token or credential
   */
  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.contains("token") || k.contains("credential");
  }

  /** Builds {@link ResourceLockOptions}. */
  public static final class Builder {
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<Class<?>, Object> clients = new LinkedHashMap<>();
    private Duration renewDeadline = DEFAULT_RENEW_DEADLINE;

    private Builder() {
    }

    /**
     * Sets a string setting.
     *
     * @param key the key, such as {@code etcd.endpoints}
     * @param value the value
     * @return this builder
     */
    public Builder setting(String key, String value) {
      settings.put(Objects.requireNonNull(key, "setting key"),
          Objects.requireNonNull(value, () -> "value of setting " + key));
      return this;
    }

    /**
     * Sets several string settings.
     *
     * @param values keys and values
     * @return this builder
     */
    public Builder settings(Map<String, String> values) {
      values.forEach(this::setting);
      return this;
    }

    /**
     * Registers a ready-made client; the provider uses it instead of building its own and does not
     * close it.
     *
     * @param type the type the provider looks it up by
     * @param client the client
     * @param <T> the client's type
     * @return this builder
     */
    public <T> Builder client(Class<T> type, T client) {
      clients.put(Objects.requireNonNull(type, "client type"), Objects.requireNonNull(client, "client"));
      return this;
    }

    /**
     * Sets the renew deadline that client timeouts derive from.
     *
     * @param deadline a positive duration
     * @return this builder
     */
    public Builder renewDeadline(Duration deadline) {
      Objects.requireNonNull(deadline, "renewDeadline");
      if (deadline.isZero() || deadline.isNegative()) {
        throw new IllegalArgumentException("renewDeadline must be positive, was " + deadline);
      }
      this.renewDeadline = deadline;
      return this;
    }

    /** The options. */
    public ResourceLockOptions build() {
      return new ResourceLockOptions(this);
    }
  }
}
