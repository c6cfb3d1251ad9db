package dev.baton.leaderelection.resourcelock;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Lock providers for the discovery tests. Each is named in a services file that a test writes, and
 * reached only through that test's {@link ServiceFileClassLoader}.
 */
public final class TestProviders {

  private TestProviders() {
  }

  /** A lock that only remembers the request it was made from and the parts it was made of. */
  public static final class StubLock implements ResourceLock {
    private final ResourceLockProvider provider;
    private final ResourceLockRequest request;
    private final List<ResourceLock> parts;

    StubLock(ResourceLockProvider provider, ResourceLockRequest request, List<ResourceLock> parts) {
      this.provider = provider;
      this.request = request;
      this.parts = List.copyOf(parts);
    }

    /** The provider that created this lock. */
    public ResourceLockProvider provider() {
      return provider;
    }

    /** The request this lock was created from. */
    public ResourceLockRequest request() {
      return request;
    }

    /** For a composite lock, the locks it was made of. */
    public List<ResourceLock> parts() {
      return parts;
    }

    @Override
    public ObservedRecord get() throws LockException {
      throw new RecordNotFoundException(describe(), null);
    }

    @Override
    public void create(LeaderElectionRecord record) {
      throw new UnsupportedOperationException("stub");
    }

    @Override
    public void update(LeaderElectionRecord record) {
      throw new UnsupportedOperationException("stub");
    }

    @Override
    public void recordEvent(String message) {
    }

    @Override
    public String identity() {
      return request.config().identity();
    }

    @Override
    public String describe() {
      return request.namespace() + "/" + request.name() + " (" + request.lockType() + ")";
    }
  }

  /** Serves "leases". */
  public static class LeasesProvider implements ResourceLockProvider {
    @Override
    public String lockType() {
      return "leases";
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) {
      return new StubLock(this, request, List.of());
    }
  }

  /** A second provider of "leases". */
  public static final class OtherLeasesProvider extends LeasesProvider {
  }

  /** Serves "configmaps". */
  public static final class ConfigMapsProvider implements ResourceLockProvider {
    @Override
    public String lockType() {
      return "configmaps";
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) {
      return new StubLock(this, request, List.of());
    }
  }

  /** Serves the third-party type "acme". */
  public static final class AcmeProvider implements ResourceLockProvider {
    @Override
    public String lockType() {
      return "acme";
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) {
      return new StubLock(this, request, List.of());
    }
  }

  /** Serves "declared" and declares its settings, so unknown keys are rejected. */
  public static final class DeclaringProvider implements ResourceLockProvider {
    @Override
    public String lockType() {
      return "declared";
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) {
      return new StubLock(this, request, List.of());
    }

    @Override
    public java.util.Optional<java.util.Set<String>> settingKeys(ResourceLockRequest request) {
      return java.util.Optional.of(java.util.Set.of("declared.endpoints", "declared.prefix"));
    }
  }

  /** Serves "zk" and declares its one setting. */
  public static final class ZkProvider implements ResourceLockProvider {
    @Override
    public String lockType() {
      return "zk";
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) {
      return new StubLock(this, request, List.of());
    }

    @Override
    public java.util.Optional<java.util.Set<String>> settingKeys(ResourceLockRequest request) {
      return java.util.Optional.of(java.util.Set.of("zk.connect"));
    }
  }

  /** Serves "multi": builds both parts of a composite type through {@link ResourceLockRequest#newLock}. */
  public static final class MultiProvider implements ResourceLockProvider {
    /** Every request this class was asked to serve. */
    public static final List<ResourceLockRequest> REQUESTS = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String lockType() {
      return CompositeLockType.MULTI_PROVIDER_TYPE;
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) throws LockException {
      REQUESTS.add(request);
      CompositeLockType type = CompositeLockType.parse(request.lockType()).orElseThrow(
          () -> new IllegalArgumentException("not a composite type: " + request.lockType()));
      return new StubLock(this, request,
          List.of(request.newLock(type.primary()), request.newLock(type.secondary())));
    }
  }

  /** Fails in its constructor, so ServiceLoader cannot instantiate it. */
  public static final class ConstructorThrowsProvider implements ResourceLockProvider {
    /** Always throws. */
    public ConstructorThrowsProvider() {
      throw new IllegalStateException("constructor exploded");
    }

    @Override
    public String lockType() {
      return "never";
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) {
      throw new AssertionError("unreachable");
    }
  }

  /** Fails when asked for its lock type. */
  public static final class LockTypeThrowsProvider implements ResourceLockProvider {
    @Override
    public String lockType() {
      throw new IllegalStateException("lockType exploded");
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) {
      throw new AssertionError("unreachable");
    }
  }

  /** Names no lock type. */
  public static final class BlankTypeProvider implements ResourceLockProvider {
    @Override
    public String lockType() {
      return " ";
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) {
      throw new AssertionError("unreachable");
    }
  }

  /** Serves "nulls" and returns null from create, which is a bug. */
  public static final class NullLockProvider implements ResourceLockProvider {
    @Override
    public String lockType() {
      return "nulls";
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) {
      return null;
    }
  }

  /** Serves "failing" and fails to set the lock up. */
  public static final class FailingCreateProvider implements ResourceLockProvider {
    @Override
    public String lockType() {
      return "failing";
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) throws LockException {
      throw new TransientLockException(request.namespace() + "/" + request.name(), "store unreachable", null);
    }
  }
}
