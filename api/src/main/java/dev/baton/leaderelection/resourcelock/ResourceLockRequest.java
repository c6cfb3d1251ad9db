package dev.baton.leaderelection.resourcelock;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Everything a {@link ResourceLockProvider} is given to create one lock: the lock type asked for,
 * namespace, name, {@link ResourceLockConfig} and {@link ResourceLockOptions}. A composite provider
 * creates its parts with {@link #newLock(String)}, which searches the same class loader.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class ResourceLockRequest {
  private final String lockType;
  private final String namespace;
  private final String name;
  private final ResourceLockConfig config;
  private final ResourceLockOptions options;
  private final ClassLoader classLoader;

  ResourceLockRequest(String lockType, String namespace, String name, ResourceLockConfig config,
      ResourceLockOptions options, ClassLoader classLoader) {
    this.lockType = lockType;
    this.namespace = namespace;
    this.name = name;
    this.config = config;
    this.options = options;
    this.classLoader = classLoader;
  }

  /** The lock type asked for (for a composite provider, the whole {@code PRIMARY-to-SECONDARY}). */
  public String lockType() {
    return lockType;
  }

  /** The namespace of the lock (a Kubernetes namespace, or the middle part of a key path). */
  public String namespace() {
    return namespace;
  }

  /** The name of the lock. */
  public String name() {
    return name;
  }

  /** Identity and event recorder. */
  public ResourceLockConfig config() {
    return config;
  }

  /** Settings, ready-made clients and the renew deadline. */
  public ResourceLockOptions options() {
    return options;
  }

  /**
   * A string setting, shorthand for {@code options().setting(key)}.
   *
   * @param key the setting's key
   * @return its value, or empty
   */
  public Optional<String> setting(String key) {
    return options.setting(key);
  }

  /**
   * A ready-made client, shorthand for {@code options().client(type)}.
   *
   * @param type the client's type
   * @param <T> the client's type
   * @return the client, or empty
   */
  public <T> Optional<T> client(Class<T> type) {
    return options.client(type);
  }

  /**
   * Creates a lock of another type at the same namespace and name, with the same configuration
   * and options, found through the same class loader. Used by composite locks for their parts.
   *
   * @param otherLockType the type of the part
   * @return the lock
   * @throws LockTypeResolutionException when no single provider serves that type
   * @throws LockException when the provider cannot set the lock up
   */
  public ResourceLock newLock(String otherLockType) throws LockException {
    return ResourceLocks.create(otherLockType, namespace, name, config, options, classLoader, false);
  }

  /**
   * The setting keys the provider of another lock type declares for this namespace and name (see
   * {@link ResourceLockProvider#settingKeys}). A composite provider unites its parts' keys with it.
   *
   * @param otherLockType the type of the part
   * @return the keys, or empty when that provider does not declare them
   * @throws LockTypeResolutionException when no single provider serves that type
   */
  public Optional<Set<String>> settingKeysOf(String otherLockType) {
    return ResourceLocks.settingKeys(otherLockType, namespace, name, config, options, classLoader);
  }

  /**
   * Creates a lock of another type at the same namespace and name, with the same configuration but
   * other options, found through the same class loader. Used by composite locks whose parts need
   * different settings (two etcd clusters, two in-memory stores).
   *
   * @param otherLockType the type of the part
   * @param otherOptions the part's options
   * @return the lock
   * @throws LockTypeResolutionException when no single provider serves that type
   * @throws LockException when the provider cannot set the lock up
   */
  public ResourceLock newLock(String otherLockType, ResourceLockOptions otherOptions) throws LockException {
    return ResourceLocks.create(otherLockType, namespace, name, config, otherOptions, classLoader, false);
  }

  @Override
  public String toString() {
    return "ResourceLockRequest{" + lockType + " " + namespace + "/" + name + ", identity="
        + config.identity() + ", " + options + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceLockRequest r && lockType.equals(r.lockType) && namespace.equals(r.namespace)
        && name.equals(r.name) && config.equals(r.config) && options == r.options
        && Objects.equals(classLoader, r.classLoader);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lockType, namespace, name, config.identity());
  }
}
