package dev.baton.lock.multi;

import com.google.auto.service.AutoService;
import dev.baton.leaderelection.resourcelock.CompositeLockType;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.LockTypeResolutionException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLockProvider;
import dev.baton.leaderelection.resourcelock.ResourceLockRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apiguardian.api.API;

/**
 * Serves every composite lock type {@code PRIMARY-to-SECONDARY} (registered as
 * {@value CompositeLockType#MULTI_PROVIDER_TYPE}): resolves each part through its own provider and
 * joins them in a {@link MultiLock}.
 *
 * <p>Both parts get the request's options. A setting prefixed {@value #PRIMARY_PREFIX} or
 * {@value #SECONDARY_PREFIX} applies to that part only and overrides the unprefixed one, so a
 * migration between two stores of the same type (two etcd clusters, say) is
 * {@code etcd-to-etcd} with {@code primary.etcd.endpoints} and {@code secondary.etcd.endpoints}.
 *
 * <p>Each part gets a third of the options' renew deadline, so its calls get a third of the client
 * timeout: a {@link MultiLock} call chains up to three store calls ({@link MultiLock#clientTimeout()}),
 * and the chain then stays within the {@link ResourceLockOptions#clientTimeout()} the elector's renew
 * deadline gives (a 10 s renewDeadline: 1.67 s per store call, 5 s per MultiLock call). Below a renew
 * deadline of 6 s the parts' 1 s floor ({@link ResourceLockOptions#MIN_CLIENT_TIMEOUT}) makes the chain
 * 3 s. Ready-made clients keep their own timeouts.
 */
@AutoService(ResourceLockProvider.class)
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class MultiLockProvider implements ResourceLockProvider {

  /** Prefix of settings that apply to the primary part only. */
  public static final String PRIMARY_PREFIX = "primary.";

  /** Prefix of settings that apply to the secondary part only. */
  public static final String SECONDARY_PREFIX = "secondary.";

  /** The most store calls one {@link MultiLock} call makes in a row; each part gets this share of the budget. */
  static final int CHAINED_CALLS = 3;

  @Override
  public String lockType() {
    return CompositeLockType.MULTI_PROVIDER_TYPE;
  }

  @Override
  public ResourceLock create(ResourceLockRequest request) throws LockException {
    CompositeLockType type = CompositeLockType.parse(request.lockType()).orElseThrow(() -> new IllegalArgumentException(
        "lock type '" + request.lockType() + "' is not a composite type; name the two locks of the migration as "
            + "PRIMARY" + CompositeLockType.SEPARATOR + "SECONDARY, such as configmaps-to-leases"));
    ResourceLock primary = part("primary", type.primary(), type, request, PRIMARY_PREFIX);
    try {
      ResourceLock secondary = part("secondary", type.secondary(), type, request, SECONDARY_PREFIX);
      return new MultiLock(primary, secondary);
    } catch (LockException | RuntimeException e) {
      closeQuietly(primary, e);
      throw e;
    }
  }

  /**
   * Both parts' keys, each also with the prefix of its part ({@value #PRIMARY_PREFIX},
   * {@value #SECONDARY_PREFIX}); undeclared when a part does not declare its own.
   */
  @Override
  public Optional<Set<String>> settingKeys(ResourceLockRequest request) {
    Optional<CompositeLockType> type = CompositeLockType.parse(request.lockType());
    if (type.isEmpty()) {
      return Optional.empty();
    }
    Optional<Set<String>> primary;
    Optional<Set<String>> secondary;
    try {
      primary = request.settingKeysOf(type.get().primary());
      secondary = request.settingKeysOf(type.get().secondary());
    } catch (LockTypeResolutionException e) {
      return Optional.empty();   // create() reports the missing part, naming its role
    }
    if (primary.isEmpty() || secondary.isEmpty()) {
      return Optional.empty();
    }
    Set<String> keys = new TreeSet<>();
    keys.addAll(primary.get());
    keys.addAll(secondary.get());
    primary.get().forEach(k -> keys.add(PRIMARY_PREFIX + k));
    secondary.get().forEach(k -> keys.add(SECONDARY_PREFIX + k));
    return Optional.of(keys);
  }

  private static ResourceLock part(String role, String partType, CompositeLockType type, ResourceLockRequest request,
      String prefix) throws LockException {
    try {
      return request.newLock(partType, partOptions(request.options(), prefix));
    } catch (LockTypeResolutionException e) {
      throw new LockTypeResolutionException("the " + role + " lock type '" + partType + "' of composite type '"
          + type + "' cannot be used: " + e.getMessage(), e);
    }
  }

  /**
   * The options of one part: its prefixed settings applied over the unprefixed ones, and the renew
   * deadline divided by {@value #CHAINED_CALLS}, so that the chained store calls of one MultiLock call
   * fit in the options' client timeout.
   */
  static ResourceLockOptions partOptions(ResourceLockOptions options, String prefix) {
    Duration share = options.renewDeadline().dividedBy(CHAINED_CALLS);
    ResourceLockOptions.Builder b = options.toBuilder().renewDeadline(share.isZero() ? Duration.ofNanos(1) : share);
    for (Map.Entry<String, String> e : options.settings().entrySet()) {
      if (e.getKey().startsWith(prefix) && e.getKey().length() > prefix.length()) {
        b.setting(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return b.build();
  }

  private static void closeQuietly(ResourceLock lock, Exception failure) {
    if (lock instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
  }
}
