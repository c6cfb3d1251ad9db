package dev.baton.spring.boot.autoconfigure;

import dev.baton.leaderelection.LeaderElectionConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apiguardian.api.API;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * Baton's leader election settings, under {@code baton.*}. Durations take Spring's formats
 * ({@code 15s}, {@code 500ms}, {@code PT15S}; a bare number is seconds) and Go's
 * ({@code 1m30s}, {@code 1.5s}), as client-go's and the {@code baton} program's flags do.
 *
 * <p>The elector's durations default to {@link LeaderElectionConfig}'s ({@code DEFAULT_*}). The
 * configuration processor cannot read a default from another class's constant, so
 * {@code META-INF/additional-spring-configuration-metadata.json} declares them for IDEs; a test
 * checks the two agree.
 */
@ConfigurationProperties(prefix = "baton")
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class BatonProperties {

  /** Whether this application takes part in leader election. */
  private boolean enabled = true;

  /**
   * This instance's identity in the election, written into the lock record while it leads; unique
   * per instance. Default: the POD_NAME environment variable, else HOSTNAME, else the host name and
   * the process id.
   */
  private String identity;

  /**
   * How long followers wait after they last saw the lock record change before they take over
   * (client-go's leaseDuration); a whole number of seconds, at least 1 s more than renew-deadline.
   */
  @GoDuration
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration leaseDuration = LeaderElectionConfig.DEFAULT_LEASE_DURATION;

  /**
   * How long the leader keeps trying to renew before it stops leading; a term is valid until the
   * start of its last successful renewal plus this. More than 1.2 x retry-period.
   */
  @GoDuration
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration renewDeadline = LeaderElectionConfig.DEFAULT_RENEW_DEADLINE;

  /** How long candidates wait between attempts to acquire or renew the lock. */
  @GoDuration
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration retryPeriod = LeaderElectionConfig.DEFAULT_RETRY_PERIOD;

  /**
   * Whether stopping the application releases the lock after the leader work stopped, so that a
   * follower takes over at once instead of after lease-duration.
   */
  private boolean releaseOnShutdown = true;

  /**
   * How long past lease-duration a leader that believes it leads but has not renewed is tolerated
   * before the health contributor reports DOWN (client-go's HealthzAdaptor timeout).
   */
  @GoDuration
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration watchdogTimeout = Duration.ofSeconds(20);

  private final Lock lock = new Lock();

  /**
   * Settings of the lock's backend, passed through as ResourceLockOptions settings, such as
   * etcd.endpoints, zookeeper.connect or kubernetes.kubeconfig; see each lock module's README.
   */
  private Map<String, String> settings = new LinkedHashMap<>();

  /** @return whether this application takes part in leader election */
  public boolean isEnabled() {
    return enabled;
  }

  /** @param enabled whether this application takes part in leader election */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** @return the identity as set, or {@code null} for the default ({@link #resolveIdentity()}) */
  public String getIdentity() {
    return identity;
  }

  /** @param identity this instance's identity in the election */
  public void setIdentity(String identity) {
    this.identity = identity;
  }

  /** @return the lease duration */
  public Duration getLeaseDuration() {
    return leaseDuration;
  }

  /** @param leaseDuration the lease duration */
  public void setLeaseDuration(Duration leaseDuration) {
    this.leaseDuration = leaseDuration;
  }

  /** @return the renew deadline */
  public Duration getRenewDeadline() {
    return renewDeadline;
  }

  /** @param renewDeadline the renew deadline */
  public void setRenewDeadline(Duration renewDeadline) {
    this.renewDeadline = renewDeadline;
  }

  /** @return the retry period */
  public Duration getRetryPeriod() {
    return retryPeriod;
  }

  /** @param retryPeriod the retry period */
  public void setRetryPeriod(Duration retryPeriod) {
    this.retryPeriod = retryPeriod;
  }

  /** @return whether stopping the application releases the lock */
  public boolean isReleaseOnShutdown() {
    return releaseOnShutdown;
  }

  /** @param releaseOnShutdown whether stopping the application releases the lock */
  public void setReleaseOnShutdown(boolean releaseOnShutdown) {
    this.releaseOnShutdown = releaseOnShutdown;
  }

  /** @return the watchdog timeout */
  public Duration getWatchdogTimeout() {
    return watchdogTimeout;
  }

  /** @param watchdogTimeout the watchdog timeout */
  public void setWatchdogTimeout(Duration watchdogTimeout) {
    this.watchdogTimeout = watchdogTimeout;
  }

  /** @return the lock */
  public Lock getLock() {
    return lock;
  }

  /** @return the backend settings */
  public Map<String, String> getSettings() {
    return settings;
  }

  /** @param settings the backend settings */
  public void setSettings(Map<String, String> settings) {
    this.settings = settings;
  }

  /**
   * The identity to use: {@code baton.identity} when set, else the default from the environment.
   *
   * @return the identity, never {@code null}
   */
  public String resolveIdentity() {
    return identity != null ? identity : defaultIdentity(System.getenv());
  }

  /**
   * The default identity: {@code POD_NAME} (set it from the pod's {@code metadata.name} with the
   * downward API), else {@code HOSTNAME} (the pod name in Kubernetes and the container id in Docker),
   * else the host name and the process id.
   *
   * @param environment environment variables
   * @return the identity
   */
  static String defaultIdentity(Map<String, String> environment) {
    for (String variable : new String[] {"POD_NAME", "HOSTNAME"}) {
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException | SecurityException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  /** Where the election is held. */
  public static class Lock {

    /**
     * The lock type: leases or configmaps (baton-lock-lease), etcd (baton-lock-etcd), zookeeper
     * (baton-lock-zookeeper), a composite such as configmaps-to-leases (baton-lock-multi), or a
     * third-party type; its module must be on the class path.
     */
    private String type;

    /** The namespace of the lock: the Kubernetes namespace, or the middle part of the key path. */
    private String namespace = "default";

    /** The name of the lock, the same for every instance of the application, such as its name. */
    private String name;

    /** @return the lock type */
    public String getType() {
      return type;
    }

    /** @param type the lock type */
    public void setType(String type) {
      this.type = type;
    }

    /** @return the namespace */
    public String getNamespace() {
      return namespace;
    }

    /** @param namespace the namespace */
    public void setNamespace(String namespace) {
      this.namespace = namespace;
    }

    /** @return the name */
    public String getName() {
      return name;
    }

    /** @param name the name */
    public void setName(String name) {
      this.name = name;
    }
  }
}
