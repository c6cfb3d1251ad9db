package dev.baton.leaderelection;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Configuration of a {@link LeaderElector} (client-go's {@code LeaderElectionConfig}); build it
 * with {@link #builder()}. {@link Builder#build()} checks every rule and reports every violated one
 * in a single {@link IllegalArgumentException}, naming the property, the rejected value and the rule:
 * <ul>
 *   <li>leaseDuration, renewDeadline and retryPeriod are positive;</li>
 *   <li>leaseDuration &gt; renewDeadline &gt; {@value #JITTER_FACTOR} &times; retryPeriod;</li>
 *   <li>leaseDuration is a whole number of seconds, as the record stores it in seconds;</li>
 *   <li>a lock and callbacks are given, and the lock's identity is not empty.</li>
 * </ul>
 * Defaults are client-go's: leaseDuration 15 s, renewDeadline 10 s, retryPeriod 2 s.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class LeaderElectionConfig {

  /** client-go's {@code JitterFactor}: acquire attempts wait retryPeriod &times; [1, 1 + 1.2). */
  public static final double JITTER_FACTOR = 1.2;

  /** Default lease duration, 15 seconds. */
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
  /** Default renew deadline, 10 seconds. */
  public static final Duration DEFAULT_RENEW_DEADLINE =
      dev.baton.leaderelection.resourcelock.ResourceLockOptions.DEFAULT_RENEW_DEADLINE;
  /** Default retry period, 2 seconds. */
  public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);

  /**
   * The least leaseDuration - renewDeadline may be. Times in the record have whole seconds, so two
   * renewals in one second store the same bytes and a polling follower dates the later one by the
   * earlier: up to 1 s early. The margin keeps its takeover after the old leader's renewDeadline.
   */
  public static final Duration MIN_LEASE_MARGIN = Duration.ofSeconds(1);

  private final ResourceLock lock;
  private final Duration leaseDuration;
  private final Duration renewDeadline;
  private final Duration retryPeriod;
  private final LeaderCallbacks callbacks;
  private final boolean releaseOnCancel;
  private final String name;
  private final LeaderHealthCheck watchdog;
  private final LeaderMetrics metrics;
  private final ElectionRuntime runtime;

  private LeaderElectionConfig(Builder b, ElectionRuntime runtime) {
    this.lock = b.lock;
    this.leaseDuration = b.leaseDuration;
    this.renewDeadline = b.renewDeadline;
    this.retryPeriod = b.retryPeriod;
    this.callbacks = b.callbacks;
    this.releaseOnCancel = b.releaseOnCancel;
    this.name = b.name != null ? b.name : b.lock.describe();
    this.watchdog = b.watchdog;
    this.metrics = b.metrics;
    this.runtime = runtime;
  }

  /** A builder with client-go's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The lock the election is held on. */
  public ResourceLock lock() {
    return lock;
  }

  /** How long followers wait after they last saw the record change before taking over. */
  public Duration leaseDuration() {
    return leaseDuration;
  }

  /** How long a leader keeps trying to renew before it gives up leadership. */
  public Duration renewDeadline() {
    return renewDeadline;
  }

  /** How long to wait between attempts. */
  public Duration retryPeriod() {
    return retryPeriod;
  }

  /** The callbacks. */
  public LeaderCallbacks callbacks() {
    return callbacks;
  }

  /** Whether cancelling a leading elector releases the lock (after the leader's work returned). */
  public boolean releaseOnCancel() {
    return releaseOnCancel;
  }

  /** The election's name, for logs and metrics; defaults to the lock's description. */
  public String name() {
    return name;
  }

  /** The watchdog health check, or {@code null}. */
  public LeaderHealthCheck watchdog() {
    return watchdog;
  }

  /** Where metrics go. */
  public LeaderMetrics metrics() {
    return metrics;
  }

  /** Clocks, timer and threads. */
  public ElectionRuntime runtime() {
    return runtime;
  }

  /** Builds a {@link LeaderElectionConfig}. */
  public static final class Builder {
    private ResourceLock lock;
    private Duration leaseDuration = DEFAULT_LEASE_DURATION;
    private Duration renewDeadline = DEFAULT_RENEW_DEADLINE;
    private Duration retryPeriod = DEFAULT_RETRY_PERIOD;
    private LeaderCallbacks callbacks;
    private boolean releaseOnCancel;
    private String name;
    private LeaderHealthCheck watchdog;
    private LeaderMetrics metrics = LeaderMetrics.NONE;
    private ElectionRuntime runtime;

    private Builder() {
    }

    /**
     * @param value the lock the election is held on
     * @return this builder
     */
    public Builder lock(ResourceLock value) {
      this.lock = value;
      return this;
    }

    /**
     * @param value how long followers wait after they last saw the record change; whole seconds
     * @return this builder
     */
    public Builder leaseDuration(Duration value) {
      this.leaseDuration = value;
      return this;
    }

    /**
     * @param value how long a leader keeps trying to renew before giving up
     * @return this builder
     */
    public Builder renewDeadline(Duration value) {
      this.renewDeadline = value;
      return this;
    }

    /**
     * @param value how long to wait between attempts
     * @return this builder
     */
    public Builder retryPeriod(Duration value) {
      this.retryPeriod = value;
      return this;
    }

    /**
     * @param value the callbacks
     * @return this builder
     */
    public Builder callbacks(LeaderCallbacks value) {
      this.callbacks = value;
      return this;
    }

    /**
     * @param value whether cancelling a leading elector releases the lock
     * @return this builder
     */
    public Builder releaseOnCancel(boolean value) {
      this.releaseOnCancel = value;
      return this;
    }

    /**
     * @param value the election's name for logs and metrics
     * @return this builder
     */
    public Builder name(String value) {
      this.name = value;
      return this;
    }

    /**
     * @param value the watchdog health check to attach the elector to
     * @return this builder
     */
    public Builder watchdog(LeaderHealthCheck value) {
      this.watchdog = value;
      return this;
    }

    /**
     * @param value where metrics go
     * @return this builder
     */
    public Builder metrics(LeaderMetrics value) {
      this.metrics = Objects.requireNonNull(value, "metrics (use LeaderMetrics.NONE for none)");
      return this;
    }

    /**
     * @param value clocks, timer and threads; {@link ElectionRuntime#system()} when none is given
     *     (resolved by {@link #build()}, so a builder given a runtime never creates the shared one)
     * @return this builder
     */
    public Builder runtime(ElectionRuntime value) {
      this.runtime = Objects.requireNonNull(value, "runtime");
      return this;
    }

    /**
     * Checks every rule and builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException listing every violated rule
     */
    public LeaderElectionConfig build() {
      List<String> problems = durationProblems(leaseDuration, renewDeadline, retryPeriod);
      if (lock == null) {
        problems.add("lock (null) must be given");
      } else {
        String identity = lock.identity();
        if (identity == null || identity.isEmpty()) {
          problems.add("lock identity (\"" + (identity == null ? "null" : identity)
              + "\") must not be empty: give each candidate a unique identity such as its pod name");
        }
      }
      if (callbacks == null) {
        problems.add("callbacks (null) must be given, with onStartedLeading and onStoppedLeading");
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("Invalid leader election configuration: " + String.join("; ", problems));
      }
      return new LeaderElectionConfig(this, runtime != null ? runtime : ElectionRuntime.system());
    }

  }

  /**
   * Checks the three durations against client-go's rules and Baton's whole-second rule, before
   * anything else is set up (a program can report bad durations before it touches the store).
   *
   * @param leaseDuration the lease duration
   * @param renewDeadline the renew deadline
   * @param retryPeriod the retry period
   * @throws IllegalArgumentException listing every violated rule, with the values in Go's syntax
   */
  public static void checkDurations(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    List<String> problems = durationProblems(leaseDuration, renewDeadline, retryPeriod);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid leader election configuration: " + String.join("; ", problems));
    }
  }

  private static List<String> durationProblems(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    List<String> problems = new ArrayList<>();
    boolean durationsPresent = true;
    durationsPresent &= positive(problems, "leaseDuration", leaseDuration);
    durationsPresent &= positive(problems, "renewDeadline", renewDeadline);
    durationsPresent &= positive(problems, "retryPeriod", retryPeriod);
    if (durationsPresent) {
      String lease = GoDurations.format(leaseDuration);
      String renew = GoDurations.format(renewDeadline);
      if (leaseDuration.compareTo(renewDeadline) <= 0) {
        problems.add("leaseDuration (" + lease + ") must be greater than renewDeadline (" + renew + ")");
      } else if (leaseDuration.minus(renewDeadline).compareTo(MIN_LEASE_MARGIN) < 0) {
        problems.add("leaseDuration (" + lease + ") must exceed renewDeadline (" + renew
            + ") by at least " + MIN_LEASE_MARGIN.toSeconds() + " s, because the record stores times in whole seconds: "
            + "renewals within one second look alike, so a polling follower may date the last one up to 1 s early");
      }
      Duration jitteredRetry = Duration.ofNanos((long) (JITTER_FACTOR * retryPeriod.toNanos()));
      if (renewDeadline.compareTo(jitteredRetry) <= 0) {
        problems.add("renewDeadline (" + renew + ") must be greater than " + JITTER_FACTOR
            + " x retryPeriod (" + GoDurations.format(retryPeriod) + ", so more than " + GoDurations.format(jitteredRetry) + ")");
      }
      if (leaseDuration.toNanosPart() != 0) {
        problems.add("leaseDuration (" + lease + ") must be a whole number of seconds, because the record stores it in seconds");
      }
    }
    return problems;
  }

  private static boolean positive(List<String> problems, String property, Duration value) {
    if (value == null) {
      problems.add(property + " (null) must be given");
      return false;
    }
    if (value.isZero() || value.isNegative()) {
      problems.add(property + " (" + GoDurations.format(value) + ") must be positive");
      return false;
    }
    return true;
  }
}
