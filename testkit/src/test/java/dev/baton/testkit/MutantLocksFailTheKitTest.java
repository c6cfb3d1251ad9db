package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The kit itself is tested: locks with the mistakes backend authors really make must fail it, in the
 * test meant to catch each one, with a message that names the mistake. The unbroken base of the
 * mutants passes, so each failure is the mutation's.
 */
class MutantLocksFailTheKitTest {

  /** The kit's failed tests on {@code kit}: method name to the failure messages of its invocations. */
  private static Map<String, String> failedTests(Class<?> kit) {
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(kit)).execute().testEvents();
    Map<String, String> failed = new TreeMap<>();
    tests.failed().stream().forEach(e -> e.getTestDescriptor().getSource()
        .filter(MethodSource.class::isInstance)
        .map(s -> ((MethodSource) s).getMethodName())
        .ifPresent(method -> failed.merge(method, e.getPayload(TestExecutionResult.class)
            .flatMap(TestExecutionResult::getThrowable).map(String::valueOf).orElse("(no failure)"),
            (a, b) -> a + "\n" + b)));
    assertTrue(tests.succeeded().count() > 0, "the mutant's kit run did not run at all");
    return failed;
  }

  /** Asserts the kit failed {@code test} with a message containing {@code phrase}. */
  private static void assertCaught(Map<String, String> failed, String test, String phrase, String mistake) {
    assertTrue(failed.containsKey(test), "the kit let " + mistake + " through: " + test + " passed; failed only: "
        + failed.keySet());
    assertTrue(failed.get(test).contains(phrase), "the kit caught " + mistake + " in " + test
        + ", but its message does not say '" + phrase + "': " + failed.get(test));
  }

  @Test
  @DisplayName("The unbroken base of the mutants (with a store the kit can stall) passes the whole kit")
  void unbrokenBasePasses() {
    assertEquals(Map.of(), failedTests(MutantLocks.BaseKit.class));
  }

  @Test
  @DisplayName("A lock whose update ignores the version fails the compare-and-set, update race and counter fuzz tests")
  void noCompareAndSet() {
    Map<String, String> failed = failedTests(MutantLocks.NoCompareAndSetKit.class);
    String mistake = "a lock without compare-and-set";
    assertCaught(failed, "updateIsCompareAndSet", "must report a conflict", mistake);
    assertCaught(failed, "raceUpdate", "", mistake);
    assertCaught(failed, "counterFuzz", "must all be counted", mistake);
  }

  @Test
  @DisplayName("A lock whose create overwrites an existing record fails the already-exists and create race tests")
  void createOverwrites() {
    Map<String, String> failed = failedTests(MutantLocks.OverwritingCreateKit.class);
    String mistake = "an overwriting create";
    assertCaught(failed, "createTwice", "must report already-exists", mistake);
    assertCaught(failed, "raceCreate", "", mistake);
  }

  @Test
  @DisplayName("A lock whose get returns re-encoded bytes fails the raw-bytes test, which says so")
  void reEncodedRaw() {
    assertCaught(failedTests(MutantLocks.ReEncodingKit.class), "rawIsTheStoredBytes", "the lock re-encoded the record",
        "a get() that re-encodes");
  }

  @Test
  @DisplayName("A lock that rounds times to the nearest second fails the fractional-times test, which says 'rounded up'")
  void roundedTimes() {
    assertCaught(failedTests(MutantLocks.RoundingTimesKit.class), "fractionalTimes", "rounded up",
        "times rounded to the nearest second");
  }

  @Test
  @DisplayName("A lock that ignores the namespace fails the two-namespaces test, which says so")
  void namespaceIgnored() {
    assertCaught(failedTests(MutantLocks.NamespaceIgnoringKit.class), "namespacesAreIndependent",
        "the namespace is ignored", "a lock that ignores the namespace");
  }

  @Test
  @DisplayName("A lock that stores text as Latin-1 fails the non-ASCII holders test, which names the charset")
  void latin1() {
    assertCaught(failedTests(MutantLocks.Latin1Kit.class), "nonAsciiHolders", "another charset than UTF-8",
        "a Latin-1 store");
  }

  @Test
  @DisplayName("A lock whose update re-creates a deleted record fails the update-after-delete test, which says 'never a re-create'")
  void recreatingUpdate() {
    assertCaught(failedTests(MutantLocks.RecreatingUpdateKit.class), "updateAfterDelete", "never a re-create",
        "an update that re-creates a deleted record");
  }

  @Test
  @DisplayName("A lock that keeps the version of a corrupt record fails the update-after-corrupt-get test, which says so")
  void corruptVersionKept() {
    assertCaught(failedTests(MutantLocks.CorruptVersionKit.class), "updateAfterCorruptGet",
        "the update overwrote the corrupt record", "a get() that keeps a corrupt record's version");
  }

  @Test
  @DisplayName("A lock that reports a lost compare-and-set as a transient error fails with a message naming UpdateConflictException")
  void conflictAsTransient() {
    Map<String, String> failed = failedTests(MutantLocks.ConflictAsTransientKit.class);
    String mistake = "a conflict reported as a transient error";
    assertCaught(failed, "updateIsCompareAndSet", "expected UpdateConflictException, but the call threw "
        + "dev.baton.leaderelection.resourcelock.TransientLockException", mistake);
    assertCaught(failed, "raceUpdate", "must be reported as UpdateConflictException", mistake);
  }

  @Test
  @DisplayName("A lock whose calls ignore their timeout against a stalled store fails the stalled-store test, which says so")
  void timeoutIgnored() {
    assertCaught(failedTests(MutantLocks.TimeoutIgnoringKit.class), "callsEndWithinClientTimeout",
        "the call ignores its timeout", "calls that ignore their timeout");
  }

  @Test
  @DisplayName("A lock whose calls end at 1.75 times the client timeout against a stalled store fails the stalled-store test")
  void renewDeadlineAsTimeout() {
    assertCaught(failedTests(MutantLocks.RenewDeadlineTimeoutKit.class), "callsEndWithinClientTimeout",
        "the call ignores its timeout", "calls bounded by 1.75 times the client timeout");
  }

  @Test
  @DisplayName("An elector-group failure says what the lock did: each candidate's calls and how they ended")
  void electorFailureReportsLockCalls() {
    Map<String, String> failed = failedTests(MutantLocks.RefusingWritesKit.class);
    assertCaught(failed, "exactlyOneLeader", "no leader of term 1", "a lock that refuses every create");
    String message = failed.get("exactlyOneLeader");
    for (String expected : new String[] {"What the locks did", "candidate-0:", "candidate-2:",
        "create(holder 'candidate-0', transitions 0, 15 s) -> TransientLockException: the store refuses writes",
        "get() -> RecordNotFoundException"}) {
      assertTrue(message.contains(expected), "the failure does not say '" + expected + "': " + message);
    }
    assertTrue(message.length() < 8_000, "the report is not bounded: " + message.length() + " characters");
  }

  @Test
  @DisplayName("A lock whose closed watch ends the other watches of its record fails the shared-watch group, which says so")
  void closeEndsEveryWatch() {
    Map<String, String> failed = failedTests(MutantLocks.ClosesEveryWatchKit.class);
    assertCaught(failed, "closingOneLeavesTheOthers", "after another watch of the same record was closed",
        "a shared watch closed by its first subscriber");
    assertCaught(failed, "churnBesideAWatch", "in churn round 2 of", "a shared watch closed by its first subscriber");
  }

  @Test
  @DisplayName("A lock whose watches are dispatched by name alone fails the shared-watch group, which names the stray record")
  void watchesKeyedByNameOnly() {
    assertCaught(failedTests(MutantLocks.NameKeyedWatchKit.class), "eachWatchGetsItsOwnWrites",
        "a record of another lock", "deliveries keyed without the namespace");
  }
}
