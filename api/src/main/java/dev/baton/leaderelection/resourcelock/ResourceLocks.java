package dev.baton.leaderelection.resourcelock;

import dev.baton.leaderelection.resourcelock.internal.BuiltInLockTypes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates locks by type name (client-go's {@code resourcelock.New}), finding the backend through
 * {@link ServiceLoader}{@code <}{@link ResourceLockProvider}{@code >}.
 *
 * <pre>{@code
 * ResourceLock lock = ResourceLocks.newLock(ResourceLocks.LEASES, "default", "my-app",
 *     ResourceLockConfig.of(podName), ResourceLockOptions.defaults());
 * }</pre>
 *
 * <p>Errors are {@link LockTypeResolutionException}s that say what to do: an unknown type lists the
 * types found; a built-in type whose module is missing names the Maven artifact to add; two
 * providers for one type name both classes. A provider that fails to load is reported (and logged)
 * without hiding the others.
 */
public final class ResourceLocks {

  /** Kubernetes {@code coordination.k8s.io/v1} Lease (client-go's {@code LeasesResourceLock}). */
  public static final String LEASES = "leases";

  /**
   * The record as JSON in an annotation of a Kubernetes ConfigMap, as client-go's old ConfigMap
   * lock and fabric8's ConfigMapLock stored it; kept for migrations to {@link #LEASES}.
   */
  public static final String CONFIGMAPS = "configmaps";

  /** A key in etcd. */
  public static final String ETCD = "etcd";

  /** A znode in ZooKeeper. */
  public static final String ZOOKEEPER = "zookeeper";

  /** A row in a table of a relational database (PostgreSQL, MySQL/MariaDB, H2), through JDBC. */
  public static final String JDBC = "jdbc";

  /** The reference lock in memory, from {@code baton-testkit}: for tests only. */
  public static final String INMEMORY = "inmemory";

  /**
   * The annotation that holds the record in annotation-based locks (client-go's
   * {@code LeaderElectionRecordAnnotationKey}).
   */
  public static final String LEADER_ELECTION_RECORD_ANNOTATION_KEY = "control-plane.alpha.kubernetes.io/leader";

  private static final Logger LOG = LoggerFactory.getLogger(ResourceLocks.class);

  /** Guards against a class loader whose service iterator never ends. */
  private static final int MAX_PROVIDERS = 10_000;

  /** How often the same load failure may repeat in a row before the scan gives up on the iterator. */
  private static final int MAX_REPEATED_FAILURES = 100;

  private ResourceLocks() {
  }

  /**
   * Creates a lock, searching the thread's context class loader (or, without one, the loader of
   * this class).
   *
   * @param lockType the lock type, such as {@link #LEASES}, or a composite
   *     {@code PRIMARY-to-SECONDARY} (see {@link CompositeLockType})
   * @param namespace the namespace of the lock
   * @param name the name of the lock
   * @param config identity and event recorder
   * @param options backend settings, clients and the renew deadline
   * @return the lock
   * @throws LockTypeResolutionException when no single provider serves the type
   * @throws IllegalArgumentException when an argument or setting is invalid
   * @throws LockException when the backend cannot set the lock up
   */
  public static ResourceLock newLock(String lockType, String namespace, String name,
      ResourceLockConfig config, ResourceLockOptions options) throws LockException {
    return newLock(lockType, namespace, name, config, options, defaultClassLoader());
  }

  /**
   * Creates a lock, searching the given class loader for providers.
   *
   * @param lockType the lock type, such as {@link #LEASES}, or a composite
   *     {@code PRIMARY-to-SECONDARY}
   * @param namespace the namespace of the lock
   * @param name the name of the lock
   * @param config identity and event recorder
   * @param options backend settings, clients and the renew deadline
   * @param classLoader where to look for {@link ResourceLockProvider}s
   * @return the lock
   * @throws LockTypeResolutionException when no single provider serves the type
   * @throws IllegalArgumentException when an argument or setting is invalid
   * @throws LockException when the backend cannot set the lock up
   */
  public static ResourceLock newLock(String lockType, String namespace, String name,
      ResourceLockConfig config, ResourceLockOptions options, ClassLoader classLoader) throws LockException {
    requireText(lockType, "lockType", "a lock type such as \"leases\"");
    requireText(namespace, "namespace", "the namespace of the lock, such as \"default\"");
    requireText(name, "name", "the name of the lock, such as the name of your application");
    Objects.requireNonNull(config, "config must not be null: use ResourceLockConfig.of(identity)");
    Objects.requireNonNull(options, "options must not be null: use ResourceLockOptions.defaults()");
    Objects.requireNonNull(classLoader, "classLoader must not be null");

    ResourceLockProvider provider = findProvider(lockType, classLoader);
    ResourceLock lock = provider.create(
        new ResourceLockRequest(lockType, namespace, name, config, options, classLoader));
    if (lock == null) {
      throw new IllegalStateException("lock provider " + provider.getClass().getName()
          + " returned null for lock type \"" + lockType + "\"; this is a bug in that provider");
    }
    return lock;
  }

  /**
   * The lock types that the context class loader (or the loader of this class) provides.
   *
   * @return the type names, sorted
   */
  public static Set<String> availableLockTypes() {
    return availableLockTypes(defaultClassLoader());
  }

  /**
   * The lock types that a class loader provides.
   *
   * @param classLoader where to look for {@link ResourceLockProvider}s
   * @return the type names, sorted
   */
  public static Set<String> availableLockTypes(ClassLoader classLoader) {
    return new TreeSet<>(scan(classLoader).byType.keySet());
  }

  private static ResourceLockProvider findProvider(String lockType, ClassLoader classLoader) {
    Scan scan = scan(classLoader);
    Optional<CompositeLockType> composite =
        scan.byType.containsKey(lockType) ? Optional.empty() : CompositeLockType.parse(lockType);
    String servingType = composite.isPresent() ? CompositeLockType.MULTI_PROVIDER_TYPE : lockType;
    List<ResourceLockProvider> candidates = scan.byType.getOrDefault(servingType, List.of());

    if (candidates.size() > 1) {
      throw new LockTypeResolutionException("Lock type \"" + servingType + "\" is provided by more than one class: "
          + candidates.stream().map(p -> p.getClass().getName()).collect(Collectors.joining(", "))
          + ". Keep only one of them on the class path." + scan.brokenSuffix());
    }
    if (candidates.isEmpty()) {
      throw new LockTypeResolutionException(missingMessage(lockType, servingType, composite, scan));
    }
    if (!scan.broken.isEmpty()) {
      LOG.warn("Using {} for lock type \"{}\", although some lock providers failed to load:{}",
          candidates.get(0).getClass().getName(), lockType, scan.brokenSuffix());
    }
    return candidates.get(0);
  }

  private static String missingMessage(String lockType, String servingType, Optional<CompositeLockType> composite,
      Scan scan) {
    String found = scan.byType.isEmpty() ? "none" : String.join(", ", scan.byType.keySet());
    Optional<String> artifact = BuiltInLockTypes.artifactFor(servingType);
    String message;
    if (artifact.isPresent()) {
      message = "Lock type \"" + lockType + "\" is "
          + (composite.isPresent() ? "a composite (MultiLock) type, " : "")
          + "provided by " + artifact.get() + ", which is not on the class path: add the dependency "
          + artifact.get() + " (versions in " + BuiltInLockTypes.GROUP_ID + ":baton-bom). Lock types found: "
          + found + ".";
    } else {
      message = "Unknown lock type \"" + lockType + "\". Lock types found: " + found
          + ". Check the spelling, or add the module that provides \"" + lockType + "\" to the class path.";
    }
    return message + scan.brokenSuffix();
  }

  private static Scan scan(ClassLoader classLoader) {
    Map<String, List<ResourceLockProvider>> byType = new TreeMap<>();
    List<String> broken = new ArrayList<>();
    Iterator<ResourceLockProvider> it = ServiceLoader.load(ResourceLockProvider.class, classLoader).iterator();
    String lastFailure = null;
    int repeats = 0;
    for (int i = 0; i < MAX_PROVIDERS; i++) {
      ResourceLockProvider provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        String failure = describeFailure(e);
        if (failure.equals(lastFailure)) {
          // The same failure again: the iterator may be stuck (a class loader that cannot list its
          // services files fails on every call). Report it once, and give up after many repeats.
          if (++repeats >= MAX_REPEATED_FAILURES) {
            break;
          }
          continue;
        }
        lastFailure = failure;
        repeats = 0;
        broken.add(failure);
        LOG.warn("A lock provider failed to load: {}", failure, e);
        continue;
      }
      lastFailure = null;
      String type;
      try {
        type = provider.lockType();
      } catch (RuntimeException | LinkageError e) {
        broken.add(provider.getClass().getName() + " (lockType() threw " + e + ")");
        continue;
      }
      if (type == null || type.isBlank()) {
        broken.add(provider.getClass().getName() + " (lockType() returned no name)");
        continue;
      }
      LOG.debug("Found lock provider {} for lock type \"{}\"", provider.getClass().getName(), type);
      byType.computeIfAbsent(type, t -> new ArrayList<>()).add(provider);
    }
    return new Scan(byType, broken);
  }

  private static String describeFailure(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      sb.append(" caused by ").append(c);
    }
    return sb.toString();
  }

  private static void requireText(String value, String what, String example) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty, was "
          + (value == null ? "null" : "\"" + value + "\"") + ": give " + example);
    }
  }

  private static ClassLoader defaultClassLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : ResourceLocks.class.getClassLoader();
  }

  private record Scan(Map<String, List<ResourceLockProvider>> byType, List<String> broken) {
    String brokenSuffix() {
      return broken.isEmpty() ? "" : " Lock providers that failed to load: " + String.join("; ", broken) + ".";
    }
  }
}
