package dev.baton.leaderelection.resourcelock;

import dev.baton.leaderelection.resourcelock.internal.BuiltInLockTypes;
import dev.baton.leaderelection.resourcelock.internal.DidYouMean;
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
import org.apiguardian.api.API;
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
@API(status = API.Status.STABLE, since = "0.1.0")
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

  /** The reference lock in memory, from {@code baton-lock-inmemory}: for tests and demonstrations in one process. */
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
    return create(lockType, namespace, name, config, options, classLoader, true);
  }

  /** Creates a lock; {@code checkSettings} is false for the parts of a composite lock, whose whole was checked. */
  static ResourceLock create(String lockType, String namespace, String name, ResourceLockConfig config,
      ResourceLockOptions options, ClassLoader classLoader, boolean checkSettings) throws LockException {
    requireText(lockType, "lockType", "a lock type such as \"leases\"");
    requireText(namespace, "namespace", "the namespace of the lock, such as \"default\"");
    requireText(name, "name", "the name of the lock, such as the name of your application");
    Objects.requireNonNull(config, "config must not be null: use ResourceLockConfig.of(identity)");
    Objects.requireNonNull(options, "options must not be null: use ResourceLockOptions.defaults()");
    Objects.requireNonNull(classLoader, "classLoader must not be null");

    ResourceLockProvider provider = findProvider(lockType, classLoader);
    ResourceLockRequest request = new ResourceLockRequest(lockType, namespace, name, config, options, classLoader);
    if (checkSettings) {
      checkSettings(lockType, provider, request, classLoader);
    }
    ResourceLock lock = provider.create(request);
    if (lock == null) {
      throw new IllegalStateException("lock provider " + provider.getClass().getName()
          + " returned null for lock type \"" + lockType + "\"; this is a bug in that provider");
    }
    return lock;
  }

  /**
   * The setting keys the provider of {@code lockType} declares (see
   * {@link ResourceLockProvider#settingKeys}), searching the context class loader. A program that
   * gathers settings from its environment uses it to pass only the keys the chosen type reads.
   *
   * @param lockType the lock type, plain or composite
   * @return the keys, or empty when the provider does not declare them
   * @throws LockTypeResolutionException when no single provider serves the type
   */
  public static Optional<Set<String>> settingKeys(String lockType) {
    requireText(lockType, "lockType", "a lock type such as \"leases\"");
    return settingKeys(lockType, "default", "settings", ResourceLockConfig.of("settings"), ResourceLockOptions.defaults(),
        defaultClassLoader());
  }

  /** The keys a type's provider declares for a request like the given one. */
  static Optional<Set<String>> settingKeys(String lockType, String namespace, String name, ResourceLockConfig config,
      ResourceLockOptions options, ClassLoader classLoader) {
    ResourceLockProvider provider = findProvider(lockType, classLoader);
    return provider.settingKeys(new ResourceLockRequest(lockType, namespace, name, config, options, classLoader));
  }

  /**
   * Rejects settings the provider does not declare, naming the closest known key, or the other
   * backend a key belongs to.
   */
  private static void checkSettings(String lockType, ResourceLockProvider provider, ResourceLockRequest request,
      ClassLoader classLoader) {
    Optional<Set<String>> declared = provider.settingKeys(request);
    if (declared.isEmpty()) {
      return;
    }
    Set<String> known = declared.get();
    List<String> problems = new ArrayList<>();
    for (String key : new TreeSet<>(request.options().settings().keySet())) {
      if (known.contains(key)) {
        continue;
      }
      Optional<String> suggestion = DidYouMean.closest(key, known);
      String hint = suggestion.map(k -> "did you mean '" + k + "'?")
          .or(() -> ownerOf(key, classLoader).map(t -> "it is a setting of lock type '" + t + "'"))
          .orElse("known settings: " + String.join(", ", new TreeSet<>(known)));
      problems.add("'" + key + "' (" + hint + ")");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Unknown setting" + (problems.size() > 1 ? "s" : "") + " for lock type '"
          + lockType + "': " + String.join("; ", problems) + ". Remove " + (problems.size() > 1 ? "them" : "it")
          + " or correct the spelling; lock type '" + lockType + "' reads: " + String.join(", ", new TreeSet<>(known)));
    }
  }

  /** The type whose provider declares {@code key} for a plain request, if any. */
  private static Optional<String> ownerOf(String key, ClassLoader classLoader) {
    for (Map.Entry<String, List<ResourceLockProvider>> e : scan(classLoader).byType.entrySet()) {
      for (ResourceLockProvider p : e.getValue()) {
        try {
          ResourceLockRequest probe = new ResourceLockRequest(e.getKey(), "default", "probe",
              ResourceLockConfig.of("probe"), ResourceLockOptions.defaults(), classLoader);
          if (p.settingKeys(probe).map(k -> k.contains(key)).orElse(false)) {
            return Optional.of(e.getKey());
          }
        } catch (RuntimeException ignored) {
          // A provider that cannot answer for a plain request (a composite one) owns no plain key.
        }
      }
    }
    return Optional.empty();
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
      Set<String> names = new TreeSet<>(scan.byType.keySet());
      names.addAll(BuiltInLockTypes.names());
      names.remove(CompositeLockType.MULTI_PROVIDER_TYPE);
      String suggestion = DidYouMean.closest(lockType, names).map(t -> " Did you mean \"" + t + "\"?").orElse("");
      message = "Unknown lock type \"" + lockType + "\"." + suggestion + " Lock types found: " + found
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
        // One line with the whole cause chain; the stack trace only at debug (it names nothing more).
        LOG.warn("A lock provider failed to load: {}", failure);
        LOG.debug("A lock provider failed to load", e);
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
