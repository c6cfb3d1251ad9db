package dev.baton.leaderelection.resourcelock;

import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * Creates locks of one type; found by {@link ResourceLocks#newLock} through
 * {@link java.util.ServiceLoader}. Stateless: everything a lock needs arrives in the
 * {@link ResourceLockRequest}.
 *
 * <p>A backend module registers its provider with {@code @AutoService(ResourceLockProvider.class)}
 * (which writes {@code META-INF/services}) and declares {@code provides} in its
 * {@code module-info}.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface ResourceLockProvider {

  /**
   * The lock type this provider serves, such as {@code leases} or {@code etcd}. The provider of the
   * type {@link CompositeLockType#MULTI_PROVIDER_TYPE} also serves every composite type
   * ({@code PRIMARY-to-SECONDARY}).
   *
   * @return the type name; never empty
   */
  String lockType();

  /**
   * Creates a lock. Without a ready-made client in the request's options, the provider builds its
   * own from the settings or the environment, with every call bounded by
   * {@link ResourceLockOptions#clientTimeout()}.
   *
   * @param request the namespace, name, configuration and settings of the lock
   * @return a new lock; never {@code null}
   * @throws IllegalArgumentException when a setting is missing or invalid; the message names the
   *     setting, the rejected value and the rule
   * @throws LockException when the store cannot be reached to set the lock up
   */
  ResourceLock create(ResourceLockRequest request) throws LockException;

  /**
   * The setting keys this provider reads for {@code request}'s lock type. When declared,
   * {@link ResourceLocks#newLock} rejects every other key of the request's settings with an
   * {@link IllegalArgumentException} that suggests the closest known key (a typo such as
   * {@code etcd.prefx}, or a key of another backend, would otherwise be ignored silently). The default
   * declares nothing, and then no key is checked: every provider should declare its keys.
   *
   * @param request the request the keys are for (a composite type's keys depend on its parts)
   * @return the keys, or empty when the provider does not declare them
   */
  default Optional<Set<String>> settingKeys(ResourceLockRequest request) {
    return Optional.empty();
  }
}
