package dev.baton.leaderelection.resourcelock;

import static dev.baton.leaderelection.resourcelock.ServiceFileClassLoader.lines;
import static dev.baton.leaderelection.resourcelock.ServiceFileClassLoader.withServiceFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.TestProviders.AcmeProvider;
import dev.baton.leaderelection.resourcelock.TestProviders.BlankTypeProvider;
import dev.baton.leaderelection.resourcelock.TestProviders.ConfigMapsProvider;
import dev.baton.leaderelection.resourcelock.TestProviders.DeclaringProvider;
import dev.baton.leaderelection.resourcelock.TestProviders.ZkProvider;
import dev.baton.leaderelection.resourcelock.TestProviders.ConstructorThrowsProvider;
import dev.baton.leaderelection.resourcelock.TestProviders.FailingCreateProvider;
import dev.baton.leaderelection.resourcelock.TestProviders.LeasesProvider;
import dev.baton.leaderelection.resourcelock.TestProviders.LockTypeThrowsProvider;
import dev.baton.leaderelection.resourcelock.TestProviders.MultiProvider;
import dev.baton.leaderelection.resourcelock.TestProviders.NullLockProvider;
import dev.baton.leaderelection.resourcelock.TestProviders.OtherLeasesProvider;
import dev.baton.leaderelection.resourcelock.TestProviders.StubLock;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("ResourceLocks")
class ResourceLocksTest {

  private static final String SERVICE = ResourceLockProvider.class.getName();
  private static final String PKG = "dev.baton.leaderelection.resourcelock.";
  private static final String MISSING_CLASS = "dev.baton.example.NoSuchProvider";

  private static final ResourceLockConfig CONFIG = ResourceLockConfig.of("pod-1");
  private static final ResourceLockOptions OPTIONS = ResourceLockOptions.builder()
      .setting("etcd.endpoints", "http://127.0.0.1:2379").renewDeadline(Duration.ofSeconds(4)).build();

  @TempDir
  Path dir;

  private ResourceLock newLock(String type, ClassLoader loader) throws LockException {
    return ResourceLocks.newLock(type, "default", "my-app", CONFIG, OPTIONS, loader);
  }

  private LockTypeResolutionException resolutionFailure(String type, ClassLoader loader) {
    return assertThrows(LockTypeResolutionException.class, () -> newLock(type, loader));
  }

  @Nested
  @DisplayName("declared settings")
  class DeclaredSettings {

    private IllegalArgumentException rejected(String type, ResourceLockOptions options) throws Exception {
      ClassLoader loader = withServiceFiles(dir, lines(DeclaringProvider.class, ZkProvider.class, LeasesProvider.class));
      return assertThrows(IllegalArgumentException.class,
          () -> ResourceLocks.newLock(type, "default", "my-app", CONFIG, options, loader));
    }

    @Test
    @DisplayName("a misspelt key of the chosen backend is rejected with the closest known key")
    void typo() throws Exception {
      IllegalArgumentException e = rejected("declared",
          ResourceLockOptions.builder().setting("declared.prefx", "/mine").build());
      assertEquals("Unknown setting for lock type 'declared': 'declared.prefx' (did you mean 'declared.prefix'?). "
          + "Remove it or correct the spelling; lock type 'declared' reads: declared.endpoints, declared.prefix", e.getMessage());
    }

    @Test
    @DisplayName("a key of another backend is rejected, naming the backend it belongs to")
    void otherBackend() throws Exception {
      IllegalArgumentException e = rejected("declared",
          ResourceLockOptions.builder().setting("zk.connect", "127.0.0.1:2181").setting("declared.endpointz", "x").build());
      assertTrue(e.getMessage().contains("'declared.endpointz' (did you mean 'declared.endpoints'?)"), e.getMessage());
      assertTrue(e.getMessage().contains("'zk.connect' (it is a setting of lock type 'zk')"), e.getMessage());
      assertTrue(e.getMessage().startsWith("Unknown settings for lock type 'declared'"), e.getMessage());
    }

    @Test
    @DisplayName("a key nothing resembles lists the known keys; declared keys pass; undeclared providers accept any key")
    void knownAndUndeclared() throws Exception {
      IllegalArgumentException e = rejected("declared", ResourceLockOptions.builder().setting("colour", "blue").build());
      assertTrue(e.getMessage().contains("'colour' (known settings: declared.endpoints, declared.prefix)"), e.getMessage());
      ClassLoader loader = withServiceFiles(dir, lines(DeclaringProvider.class, LeasesProvider.class));
      assertInstanceOf(StubLock.class, ResourceLocks.newLock("declared", "default", "my-app", CONFIG,
          ResourceLockOptions.builder().setting("declared.prefix", "/p").build(), loader));
      assertInstanceOf(StubLock.class, ResourceLocks.newLock("leases", "default", "my-app", CONFIG,
          ResourceLockOptions.builder().setting("anything.at.all", "x").build(), loader));
    }

    @Test
    @DisplayName("an unknown lock type suggests the closest one: a typo, or the wrong case")
    void lockTypeTypo() throws Exception {
      ClassLoader loader = withServiceFiles(dir, lines(DeclaringProvider.class, LeasesProvider.class));
      assertTrue(resolutionFailure("leasse", loader).getMessage().startsWith(
          "Unknown lock type \"leasse\". Did you mean \"leases\"? Lock types found: declared, leases."),
          resolutionFailure("leasse", loader).getMessage());
      assertTrue(resolutionFailure("DECLARED", loader).getMessage().contains("Did you mean \"declared\"?"));
      assertTrue(resolutionFailure("etcdd", loader).getMessage().contains("Did you mean \"etcd\"?"),
          "built-in types are suggested even when their module is missing: " + resolutionFailure("etcdd", loader).getMessage());
      assertFalse(resolutionFailure("wibble", loader).getMessage().contains("Did you mean"));
    }
  }

  @Nested
  @DisplayName("finding a provider")
  class Finding {

    @Test
    @DisplayName("returns the lock of the one provider of the type, with the request it was given")
    void onlyProvider() throws Exception {
      ClassLoader loader = withServiceFiles(dir, lines(AcmeProvider.class, LeasesProvider.class));
      StubLock lock = assertInstanceOf(StubLock.class, newLock("leases", loader));
      assertInstanceOf(LeasesProvider.class, lock.provider());
      ResourceLockRequest request = lock.request();
      assertEquals("leases", request.lockType());
      assertEquals("default", request.namespace());
      assertEquals("my-app", request.name());
      assertSame(CONFIG, request.config());
      assertSame(OPTIONS, request.options());
      assertEquals("http://127.0.0.1:2379", request.setting("etcd.endpoints").orElseThrow());
      assertEquals("pod-1", lock.identity());
    }

    @Test
    @DisplayName("finds providers spread over several services files, as from several jars")
    void severalServiceFiles() throws Exception {
      ClassLoader loader = withServiceFiles(dir, lines(AcmeProvider.class), lines(LeasesProvider.class));
      assertEquals(Set.of("acme", "leases"), ResourceLocks.availableLockTypes(loader));
      assertInstanceOf(AcmeProvider.class, ((StubLock) newLock("acme", loader)).provider());
    }

    @Test
    @DisplayName("does not see providers that the given class loader does not show")
    void onlyTheGivenLoader() {
      ClassLoader loader = withServiceFiles(dir);
      assertEquals(Set.of(), ResourceLocks.availableLockTypes(loader));
    }

    @Test
    @DisplayName("lists the available lock types sorted, once each, without broken providers")
    void availableLockTypes() {
      ClassLoader loader = withServiceFiles(dir, lines(MultiProvider.class, LeasesProvider.class, AcmeProvider.class,
          OtherLeasesProvider.class, ConfigMapsProvider.class, LockTypeThrowsProvider.class, MISSING_CLASS));
      assertEquals(List.of("acme", "configmaps", "leases", "multi"),
          List.copyOf(ResourceLocks.availableLockTypes(loader)));
    }

    @Test
    @DisplayName("without a class loader argument, searches the thread's context class loader")
    void contextClassLoader() throws Exception {
      ClassLoader loader = withServiceFiles(dir, lines(AcmeProvider.class));
      Thread thread = Thread.currentThread();
      ClassLoader before = thread.getContextClassLoader();
      thread.setContextClassLoader(loader);
      try {
        assertEquals(Set.of("acme"), ResourceLocks.availableLockTypes());
        StubLock lock = assertInstanceOf(StubLock.class,
            ResourceLocks.newLock("acme", "ns", "n", CONFIG, ResourceLockOptions.defaults()));
        assertEquals("ns/n (acme)", lock.describe());
      } finally {
        thread.setContextClassLoader(before);
      }
    }

    @Test
    @DisplayName("passes a LockException of the provider through unchanged")
    void providerLockException() {
      ClassLoader loader = withServiceFiles(dir, lines(FailingCreateProvider.class));
      TransientLockException e = assertThrows(TransientLockException.class, () -> newLock("failing", loader));
      assertEquals("store unreachable", e.getMessage());
      assertEquals("default/my-app", e.lockDescription());
    }

    @Test
    @DisplayName("a provider that returns null is an IllegalStateException naming the provider")
    void providerReturnsNull() {
      ClassLoader loader = withServiceFiles(dir, lines(NullLockProvider.class));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> newLock("nulls", loader));
      assertEquals("lock provider " + NullLockProvider.class.getName()
          + " returned null for lock type \"nulls\"; this is a bug in that provider", e.getMessage());
    }
  }

  @Nested
  @DisplayName("composite types")
  class Composite {

    @BeforeEach
    void clear() {
      MultiProvider.REQUESTS.clear();
    }

    @Test
    @DisplayName("routes PRIMARY-to-SECONDARY to the multi provider with the full type name in the request")
    void routesToMulti() throws Exception {
      ClassLoader loader = withServiceFiles(dir, lines(MultiProvider.class, ConfigMapsProvider.class, LeasesProvider.class));
      StubLock lock = assertInstanceOf(StubLock.class, newLock("configmaps-to-leases", loader));
      assertInstanceOf(MultiProvider.class, lock.provider());
      assertEquals(1, MultiProvider.REQUESTS.size());
      assertEquals("configmaps-to-leases", MultiProvider.REQUESTS.get(0).lockType());
      assertEquals("configmaps-to-leases", lock.request().lockType());
    }

    @Test
    @DisplayName("request.newLock resolves the parts through the same crafted class loader")
    void partsThroughSameLoader() throws Exception {
      ClassLoader loader = withServiceFiles(dir, lines(MultiProvider.class, ConfigMapsProvider.class, LeasesProvider.class));
      StubLock lock = (StubLock) newLock("configmaps-to-leases", loader);
      assertEquals(2, lock.parts().size());
      StubLock primary = assertInstanceOf(StubLock.class, lock.parts().get(0));
      StubLock secondary = assertInstanceOf(StubLock.class, lock.parts().get(1));
      assertInstanceOf(ConfigMapsProvider.class, primary.provider());
      assertInstanceOf(LeasesProvider.class, secondary.provider());
      assertEquals("configmaps", primary.request().lockType());
      assertEquals("leases", secondary.request().lockType());
      for (StubLock part : List.of(primary, secondary)) {
        assertEquals("default", part.request().namespace());
        assertEquals("my-app", part.request().name());
        assertSame(CONFIG, part.request().config());
        assertSame(OPTIONS, part.request().options());
      }
      // The test's own class loader has no services file: "leases" is only visible through the crafted one.
      assertEquals(Set.of(), ResourceLocks.availableLockTypes(ResourceLocksTest.class.getClassLoader()));
    }

    @Test
    @DisplayName("a missing part of a composite type names the part's artifact and the types of the same loader")
    void missingPart() {
      ClassLoader loader = withServiceFiles(dir, lines(MultiProvider.class, LeasesProvider.class));
      LockTypeResolutionException e = resolutionFailure("zookeeper-to-leases", loader);
      assertEquals("Lock type \"zookeeper\" is provided by dev.baton:baton-lock-zookeeper, which is not on the class"
          + " path: add the dependency dev.baton:baton-lock-zookeeper (versions in dev.baton:baton-bom)."
          + " Lock types found: leases, multi.", e.getMessage());
    }

    @Test
    @DisplayName("a provider registered under the full composite name is preferred over the multi provider")
    void exactCompositeProvider() throws Exception {
      ClassLoader loader = withServiceFiles(dir, lines(MultiProvider.class, ExactCompositeProvider.class));
      StubLock lock = (StubLock) newLock("configmaps-to-leases", loader);
      assertInstanceOf(ExactCompositeProvider.class, lock.provider());
      assertTrue(MultiProvider.REQUESTS.isEmpty());
    }
  }

  /** Serves one composite type by its full name. */
  public static final class ExactCompositeProvider implements ResourceLockProvider {
    @Override
    public String lockType() {
      return "configmaps-to-leases";
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) {
      return new StubLock(this, request, List.of());
    }
  }

  @Nested
  @DisplayName("resolution errors")
  class Errors {

    @Test
    @DisplayName("an unknown type lists the types found")
    void unknownWithTypes() {
      ClassLoader loader = withServiceFiles(dir, lines(LeasesProvider.class, AcmeProvider.class));
      assertEquals("Unknown lock type \"lease\". Did you mean \"leases\"? Lock types found: acme, leases. Check the spelling, or add the module"
          + " that provides \"lease\" to the class path.", resolutionFailure("lease", loader).getMessage());
    }

    @Test
    @DisplayName("an unknown type with no provider at all says none were found")
    void unknownWithNone() {
      ClassLoader loader = withServiceFiles(dir);
      assertEquals("Unknown lock type \"acme\". Lock types found: none. Check the spelling, or add the module"
          + " that provides \"acme\" to the class path.", resolutionFailure("acme", loader).getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "leases, baton-lock-lease",
        "configmaps, baton-lock-lease",
        "etcd, baton-lock-etcd",
        "zookeeper, baton-lock-zookeeper",
        "multi, baton-lock-multi",
        "inmemory, baton-lock-inmemory"})
    @DisplayName("a built-in type whose module is missing names the Maven artifact to add")
    void missingBuiltIn(String type, String artifact) {
      ClassLoader loader = withServiceFiles(dir, lines(AcmeProvider.class));
      assertEquals("Lock type \"" + type + "\" is provided by dev.baton:" + artifact + ", which is not on the class path:"
          + " add the dependency dev.baton:" + artifact + " (versions in dev.baton:baton-bom). Lock types found: acme.",
          resolutionFailure(type, loader).getMessage());
    }

    @Test
    @DisplayName("a composite type without the multi module names dev.baton:baton-lock-multi")
    void missingMulti() {
      ClassLoader loader = withServiceFiles(dir, lines(ConfigMapsProvider.class, LeasesProvider.class));
      assertEquals("Lock type \"configmaps-to-leases\" is a composite (MultiLock) type, provided by"
          + " dev.baton:baton-lock-multi, which is not on the class path: add the dependency dev.baton:baton-lock-multi"
          + " (versions in dev.baton:baton-bom). Lock types found: configmaps, leases.",
          resolutionFailure("configmaps-to-leases", loader).getMessage());
    }

    @Test
    @DisplayName("two providers of one type are an error naming both classes")
    void duplicateProviders() {
      ClassLoader loader = withServiceFiles(dir, lines(LeasesProvider.class, AcmeProvider.class, OtherLeasesProvider.class));
      assertEquals("Lock type \"leases\" is provided by more than one class: " + LeasesProvider.class.getName() + ", "
          + OtherLeasesProvider.class.getName() + ". Keep only one of them on the class path.",
          resolutionFailure("leases", loader).getMessage());
    }

    @Test
    @DisplayName("two providers of one type in two services files (two jars) are an error naming both")
    void duplicateProvidersInTwoFiles() {
      ClassLoader loader = withServiceFiles(dir, lines(OtherLeasesProvider.class), lines(LeasesProvider.class));
      assertEquals("Lock type \"leases\" is provided by more than one class: " + OtherLeasesProvider.class.getName()
          + ", " + LeasesProvider.class.getName() + ". Keep only one of them on the class path.",
          resolutionFailure("leases", loader).getMessage());
    }

    @Test
    @DisplayName("two providers of one type do not stop other types from resolving")
    void duplicateDoesNotBlockOthers() throws Exception {
      ClassLoader loader = withServiceFiles(dir, lines(LeasesProvider.class, OtherLeasesProvider.class, AcmeProvider.class));
      assertInstanceOf(AcmeProvider.class, ((StubLock) newLock("acme", loader)).provider());
    }

    @Test
    @DisplayName("a failing lookup reports every provider that failed to load, each in its own words")
    void brokenProvidersReported() {
      ClassLoader loader = withServiceFiles(dir, lines(MISSING_CLASS, ConstructorThrowsProvider.class,
          LockTypeThrowsProvider.class, BlankTypeProvider.class, AcmeProvider.class));
      assertEquals("Unknown lock type \"leasez\". Did you mean \"leases\"? Lock types found: acme. Check the spelling, or add the module that"
          + " provides \"leasez\" to the class path. Lock providers that failed to load: "
          + SERVICE + ": Provider " + MISSING_CLASS + " not found; "
          + SERVICE + ": Provider " + ConstructorThrowsProvider.class.getName()
          + " could not be instantiated caused by java.lang.IllegalStateException: constructor exploded; "
          + LockTypeThrowsProvider.class.getName() + " (lockType() threw java.lang.IllegalStateException: lockType exploded); "
          + BlankTypeProvider.class.getName() + " (lockType() returned no name).",
          resolutionFailure("leasez", loader).getMessage());
    }

    @Test
    @DisplayName("a missing built-in type also reports the providers that failed to load")
    void brokenProvidersReportedForMissingBuiltIn() {
      ClassLoader loader = withServiceFiles(dir, lines(MISSING_CLASS));
      assertEquals("Lock type \"leases\" is provided by dev.baton:baton-lock-lease, which is not on the class path:"
          + " add the dependency dev.baton:baton-lock-lease (versions in dev.baton:baton-bom). Lock types found: none."
          + " Lock providers that failed to load: " + SERVICE + ": Provider " + MISSING_CLASS + " not found.",
          resolutionFailure("leases", loader).getMessage());
    }

    @Test
    @DisplayName("a duplicate-provider error also reports the providers that failed to load")
    void brokenProvidersReportedForDuplicate() {
      ClassLoader loader = withServiceFiles(dir, lines(LeasesProvider.class, LockTypeThrowsProvider.class,
          OtherLeasesProvider.class));
      assertEquals("Lock type \"leases\" is provided by more than one class: " + LeasesProvider.class.getName() + ", "
          + OtherLeasesProvider.class.getName() + ". Keep only one of them on the class path."
          + " Lock providers that failed to load: " + LockTypeThrowsProvider.class.getName()
          + " (lockType() threw java.lang.IllegalStateException: lockType exploded).",
          resolutionFailure("leases", loader).getMessage());
    }

    @Test
    @DisplayName("a working provider is still returned when other providers are broken")
    void workingProviderDespiteBroken() throws Exception {
      ClassLoader loader = withServiceFiles(dir, lines(MISSING_CLASS, ConstructorThrowsProvider.class,
          LeasesProvider.class, LockTypeThrowsProvider.class));
      StubLock lock = assertInstanceOf(StubLock.class, newLock("leases", loader));
      assertInstanceOf(LeasesProvider.class, lock.provider());
      assertEquals(Set.of("leases"), ResourceLocks.availableLockTypes(loader));
    }

    @Test
    @DisplayName("a services line naming a class that is not a provider is reported as broken")
    void notAProvider() {
      ClassLoader loader = withServiceFiles(dir, lines(StubLock.class, LeasesProvider.class));
      assertEquals("Unknown lock type \"acme\". Lock types found: leases. Check the spelling, or add the module that"
          + " provides \"acme\" to the class path. Lock providers that failed to load: "
          + SERVICE + ": " + StubLock.class.getName() + " not a subtype.",
          resolutionFailure("acme", loader).getMessage());
    }

    @Test
    @DisplayName("a class loader that cannot list its services files is reported once, not thousands of times")
    void failingResourceLookup() {
      ClassLoader loader = new ClassLoader(ResourceLocksTest.class.getClassLoader()) {
        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
          if (name.equals(ServiceFileClassLoader.SERVICES)) {
            throw new IOException("disk on fire");
          }
          return super.getResources(name);
        }
      };
      assertEquals("Unknown lock type \"acme\". Lock types found: none. Check the spelling, or add the module that"
          + " provides \"acme\" to the class path. Lock providers that failed to load: "
          + SERVICE + ": Error locating configuration files caused by java.io.IOException: disk on fire.",
          resolutionFailure("acme", loader).getMessage());
    }
  }

  @Nested
  @DisplayName("argument validation")
  class Arguments {

    private final ClassLoader loader = ResourceLocksTest.class.getClassLoader();

    private IllegalArgumentException invalid(String type, String namespace, String name) {
      return assertThrows(IllegalArgumentException.class,
          () -> ResourceLocks.newLock(type, namespace, name, CONFIG, OPTIONS, loader));
    }

    @Test
    @DisplayName("an empty or null lock type is rejected with an example")
    void lockType() {
      assertEquals("lockType must not be empty, was \"\": give a lock type such as \"leases\"",
          invalid("", "default", "app").getMessage());
      assertEquals("lockType must not be empty, was null: give a lock type such as \"leases\"",
          invalid(null, "default", "app").getMessage());
    }

    @Test
    @DisplayName("an empty, blank or null namespace is rejected with an example")
    void namespace() {
      assertEquals("namespace must not be empty, was \"\": give the namespace of the lock, such as \"default\"",
          invalid("leases", "", "app").getMessage());
      assertEquals("namespace must not be empty, was \"  \": give the namespace of the lock, such as \"default\"",
          invalid("leases", "  ", "app").getMessage());
      assertEquals("namespace must not be empty, was null: give the namespace of the lock, such as \"default\"",
          invalid("leases", null, "app").getMessage());
    }

    @Test
    @DisplayName("an empty name is rejected with an example")
    void name() {
      assertEquals("name must not be empty, was \"\": give the name of the lock, such as the name of your application",
          invalid("leases", "default", "").getMessage());
    }

    @Test
    @DisplayName("validation happens before providers are searched, so it is not a LockTypeResolutionException")
    void notResolutionError() {
      assertTrue(!(invalid("nope", "", "app") instanceof LockTypeResolutionException));
    }

    @Test
    @DisplayName("null config, options or class loader are rejected with a hint")
    void nulls() {
      assertEquals("config must not be null: use ResourceLockConfig.of(identity)", assertThrows(NullPointerException.class,
          () -> ResourceLocks.newLock("leases", "default", "app", null, OPTIONS, loader)).getMessage());
      assertEquals("options must not be null: use ResourceLockOptions.defaults()",
          assertThrows(NullPointerException.class,
              () -> ResourceLocks.newLock("leases", "default", "app", CONFIG, null, loader)).getMessage());
      assertEquals("classLoader must not be null", assertThrows(NullPointerException.class,
          () -> ResourceLocks.newLock("leases", "default", "app", CONFIG, OPTIONS, null)).getMessage());
    }

    @Test
    @DisplayName("the type constants have client-go's names")
    void constants() {
      assertEquals("leases", ResourceLocks.LEASES);
      assertEquals("configmaps", ResourceLocks.CONFIGMAPS);
      assertEquals("etcd", ResourceLocks.ETCD);
      assertEquals("zookeeper", ResourceLocks.ZOOKEEPER);
      assertEquals("control-plane.alpha.kubernetes.io/leader", ResourceLocks.LEADER_ELECTION_RECORD_ANNOTATION_KEY);
    }
  }
}
