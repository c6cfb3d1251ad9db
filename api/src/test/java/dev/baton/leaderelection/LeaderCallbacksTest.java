package dev.baton.leaderelection;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LeaderCallbacks built from functions")
class LeaderCallbacksTest {

  private static final LeaderContext TERM = new LeaderContext("node-a", "default/my-app", 7, System::nanoTime,
      System.nanoTime() + 1_000_000_000L);

  private final List<String> calls = new ArrayList<>();

  @Test
  @DisplayName("each callback calls its own function with the elector's argument")
  void routesEachCallback() {
    LeaderCallbacks callbacks = LeaderCallbacks.onStartedLeading(term -> calls.add("started " + term.fencingToken()))
        .onStoppedLeading(() -> calls.add("stopped"))
        .onNewLeader(id -> calls.add("leader " + id));

    callbacks.onNewLeader("node-a");
    callbacks.onStartedLeading(TERM);
    callbacks.onStoppedLeading();
    callbacks.onNewLeader("");

    assertEquals(List.of("leader node-a", "started 7", "stopped", "leader "), calls);
  }

  @Test
  @DisplayName("the context handed over is the elector's own, not a copy")
  void passesTheContext() {
    List<LeaderContext> seen = new ArrayList<>();
    LeaderCallbacks.onStartedLeading(seen::add).onStartedLeading(TERM);
    assertEquals(1, seen.size());
    assertSame(TERM, seen.get(0));
  }

  @Test
  @DisplayName("a stop or new-leader function that was never given does nothing")
  void missingFunctionsDoNothing() {
    LeaderCallbacks callbacks = LeaderCallbacks.onStartedLeading(term -> calls.add("started"));
    assertDoesNotThrow(callbacks::onStoppedLeading);
    assertDoesNotThrow(() -> callbacks.onNewLeader("node-b"));
    assertEquals(List.of(), calls);
  }

  @Test
  @DisplayName("adding a function returns new callbacks and leaves the earlier ones as they were")
  void immutable() {
    LeaderCallbacks.Functions first = LeaderCallbacks.onStartedLeading(term -> { })
        .onStoppedLeading(() -> calls.add("first stop"));
    LeaderCallbacks.Functions second = first.onStoppedLeading(() -> calls.add("second stop"));

    assertNotSame(first, second);
    first.onStoppedLeading();
    second.onStoppedLeading();
    assertEquals(List.of("first stop", "second stop"), calls);
  }

  @Test
  @DisplayName("a later function for the same callback replaces the earlier one")
  void laterReplaces() {
    LeaderCallbacks callbacks = LeaderCallbacks.onStartedLeading(term -> { })
        .onNewLeader(id -> calls.add("old " + id))
        .onNewLeader(id -> calls.add("new " + id));
    callbacks.onNewLeader("x");
    assertEquals(List.of("new x"), calls);
  }

  @Test
  @DisplayName("a null function is refused at once, naming the callback")
  void nullsRefused() {
    assertEquals("onStartedLeading", assertThrows(NullPointerException.class,
        () -> LeaderCallbacks.onStartedLeading((Consumer<LeaderContext>) null)).getMessage());
    LeaderCallbacks.Functions callbacks = LeaderCallbacks.onStartedLeading(term -> { });
    assertEquals("onStoppedLeading", assertThrows(NullPointerException.class,
        () -> callbacks.onStoppedLeading(null)).getMessage());
    assertEquals("onNewLeader", assertThrows(NullPointerException.class,
        () -> callbacks.onNewLeader((Consumer<String>) null)).getMessage());
  }

  @Test
  @DisplayName("an exception of the leader's work reaches the elector, which handles it like any callback's")
  void exceptionsPropagate() {
    IllegalStateException boom = new IllegalStateException("boom");
    LeaderCallbacks callbacks = LeaderCallbacks.onStartedLeading(term -> {
      throw boom;
    });
    assertSame(boom, assertThrows(IllegalStateException.class, () -> callbacks.onStartedLeading(TERM)));
  }
}
