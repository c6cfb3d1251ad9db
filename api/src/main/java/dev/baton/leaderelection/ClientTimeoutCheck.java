package dev.baton.leaderelection;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when a lock's client timeout is not below the elector's renewDeadline: one hung call to
 * the store can then use up a whole renewal, so a leader loses its lease without a second try.
 * This happens when a lock was built with options whose renew deadline is not the elector's (the
 * default options give a 5 s client timeout, whatever renewDeadline the elector has). client-go's
 * rule, which {@link ResourceLockOptions#clientTimeoutFor} keeps, avoids it for renewDeadlines above
 * 1 s.
 */
final class ClientTimeoutCheck {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElector.class);

  /** (client timeout, renewDeadline) pairs already warned about, once per JVM each. */
  private static final Set<List<Duration>> WARNED = ConcurrentHashMap.newKeySet();

  private ClientTimeoutCheck() {
  }

  /**
   * Logs one WARN line the first time a configuration's lock has a client timeout that is not
   * below its renewDeadline (once per pair of values in this JVM, however many electors share it).
   *
   * @param config the elector's configuration
   */
  static void warnOnce(LeaderElectionConfig config) {
    Optional<Duration> timeout = config.lock().clientTimeout();
    if (timeout.isEmpty() || timeout.get().compareTo(config.renewDeadline()) < 0
        || !WARNED.add(List.of(timeout.get(), config.renewDeadline()))) {
      return;
    }
    LOG.warn(message(config.name(), timeout.get(), config.renewDeadline()));
  }

  /**
   * The warning: the two values and what to change.
   *
   * @param election the election's name
   * @param clientTimeout the lock's client timeout, not below {@code renewDeadline}
   * @param renewDeadline the elector's renew deadline
   * @return one line
   */
  static String message(String election, Duration clientTimeout, Duration renewDeadline) {
    String timeout = GoDurations.format(clientTimeout);
    String renew = GoDurations.format(renewDeadline);
    Duration derived = ResourceLockOptions.clientTimeoutFor(renewDeadline);
    String fix = derived.compareTo(renewDeadline) < 0
        ? "build the lock with the elector's renewDeadline in its options (ResourceLockOptions.builder()"
            + ".renewDeadline(...)), which gives it a " + GoDurations.format(derived)
            + " client timeout (max(1s, renewDeadline / 2))"
        : "raise renewDeadline above " + GoDurations.format(ResourceLockOptions.MIN_CLIENT_TIMEOUT)
            + " (the least client timeout Baton derives), or build the lock with a timeout below " + renew;
    return election + ": the lock's client timeout (" + timeout + ") is not below the elector's renewDeadline ("
        + renew + "), so one hung call can use up a whole renewal and lose the lease without a retry; " + fix;
  }
}
