package dev.baton.spring.boot.sample;

import dev.baton.spring.boot.Leadership;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /leadership} shows this instance's view; {@code POST /leadership/step-down} gives leadership up. */
@RestController
public class LeadershipController {
  private final Leadership leadership;
  private final FencedStore store;

  LeadershipController(Leadership leadership, FencedStore store) {
    this.leadership = leadership;
    this.store = store;
  }

  // tag::leadership[]
  @GetMapping("/leadership")
  Map<String, Object> leadership() {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("identity", leadership.identity());
    view.put("leader", leadership.leader());             // the holder this instance last saw
    view.put("leading", leadership.isLeader());          // computed against the term's deadline
    leadership.currentTerm().ifPresent(term -> {
      view.put("fencingToken", term.fencingToken());
      view.put("validFor", term.validFor().toString());
    });
    return view;
  }

  @PostMapping("/leadership/step-down")
  Map<String, Object> stepDown() {
    leadership.stepDown().join();                        // released once the leader work stopped
    return leadership();
  }

  @PostMapping("/items")
  Map<String, Object> write() {
    // Work that must happen on the leader only, and that the end of the term waits for.
    boolean done = leadership.runIfLeading(() ->
        leadership.currentTerm().ifPresent(term -> store.write("posted", term.fencingToken())));
    return Map.of("written", done);
  }
  // end::leadership[]
}
