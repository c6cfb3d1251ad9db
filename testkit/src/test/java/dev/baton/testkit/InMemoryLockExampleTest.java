package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.WatchableInMemoryResourceLock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The example of testkit/README.md, "The in-memory lock in your tests", run as it is shown there. */
class InMemoryLockExampleTest {

  @Test
  @DisplayName("The README's example: a candidate on the in-memory lock leads after a few virtual seconds, at once in real time")
  void candidateLeadsOnVirtualTime() throws Exception {
    List<LeaderContext> terms = new CopyOnWriteArrayList<>();
    LeaderCallbacks myCallbacks = LeaderCallbacks.onStartedLeading(terms::add);
    long realStart = System.nanoTime();
    // tag::in-memory[]
    InMemoryLockStore store = new InMemoryLockStore();        // share it between candidates
    VirtualElectionRuntime time = new VirtualElectionRuntime();
    LeaderElector a = new LeaderElector(LeaderElectionConfig.builder()
        .lock(new WatchableInMemoryResourceLock(store, "default", "my-app", ResourceLockConfig.of("a")))
        .callbacks(myCallbacks)
        .runtime(time)
        .build());
    a.start();
    time.advanceUntil(a::isLeader, Duration.ofSeconds(5));    // virtual seconds, real microseconds
    // end::in-memory[]
    Duration real = Duration.ofNanos(System.nanoTime() - realStart);
    assertTrue(a.isLeader(), "a did not lead within 5 virtual seconds");
    assertEquals(1, terms.size(), "onStartedLeading ran " + terms.size() + " times");
    assertEquals("a", LeaderElectionRecordCodec.decode(store.peek("default", "my-app").orElseThrow().raw(), "my-app")
        .record().holderIdentity());
    assertTrue(real.compareTo(Duration.ofSeconds(5)) < 0, "the example took " + real + " of real time");
    a.cancel();
    time.advance(Duration.ofSeconds(1));
  }
}
