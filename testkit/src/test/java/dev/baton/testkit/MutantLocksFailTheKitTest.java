package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The kit itself is tested: locks with the classic bugs must fail it, in the tests meant to catch them. */
class MutantLocksFailTheKitTest {

  private static Set<String> failedTests(Class<?> kit) {
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(kit)).execute().testEvents();
    Set<String> failed = new TreeSet<>();
    tests.failed().stream().forEach(e -> e.getTestDescriptor().getSource()
        .filter(MethodSource.class::isInstance)
        .map(s -> ((MethodSource) s).getMethodName())
        .ifPresent(failed::add));
    assertTrue(tests.succeeded().count() > 0, "the mutant's kit run did not run at all");
    return failed;
  }

  @Test
  @DisplayName("A lock whose update ignores the version fails the compare-and-set, update race and counter fuzz tests")
  void noCompareAndSet() {
    Set<String> failed = failedTests(MutantLocks.NoCompareAndSetKit.class);
    assertTrue(failed.containsAll(Set.of("updateIsCompareAndSet", "raceUpdate", "counterFuzz")),
        "the kit let a lock without compare-and-set through; failed only: " + failed);
  }

  @Test
  @DisplayName("A lock whose create overwrites an existing record fails the already-exists and create race tests")
  void createOverwrites() {
    Set<String> failed = failedTests(MutantLocks.OverwritingCreateKit.class);
    assertTrue(failed.containsAll(Set.of("createTwice", "raceCreate")),
        "the kit let an overwriting create through; failed only: " + failed);
  }
}
