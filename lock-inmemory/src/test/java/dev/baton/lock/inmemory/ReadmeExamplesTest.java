package dev.baton.lock.inmemory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's examples run, on real time. */
class ReadmeExamplesTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  @DisplayName("Of two candidates on one store one leads and the other sees it; when the leader steps down the other leads")
  void candidatesOnOneStore() throws Exception {
    List<String> terms = new CopyOnWriteArrayList<>();
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> second = new CompletableFuture<>();
    LeaderCallbacks my = callbacks("a", terms, first, second);
    LeaderCallbacks other = callbacks("b", terms, first, second);

    List<LeaderElector> candidates = ReadmeExamples.candidatesOnOneStore(my, other);
    try {
      String leader = first.get(10, TimeUnit.SECONDS);
      LeaderElector leading = candidates.get(leader.equals("a") ? 0 : 1);
      LeaderElector following = candidates.get(leader.equals("a") ? 1 : 0);
      assertTrue(leading.isLeader());
      assertEquals(leader, following.getLeader(), "the follower sees the leader");

      leading.stepDown().get(10, TimeUnit.SECONDS);
      String next = second.get(10, TimeUnit.SECONDS);
      assertEquals(following == candidates.get(0) ? "a" : "b", next);
      assertEquals(List.of(leader, next), terms);
    } finally {
      for (LeaderElector e : candidates) {
        e.cancel().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static LeaderCallbacks callbacks(String me, List<String> terms, CompletableFuture<String> first,
      CompletableFuture<String> second) {
    return LeaderCallbacks.onStartedLeading(term -> {
      terms.add(me);
      if (!first.complete(me)) {
        second.complete(me);
      }
    });
  }

  @Test
  @DisplayName("Through the factory, the lock is a watchable lock on the store given as its client")
  void throughTheFactory() throws Exception {
    InMemoryLockStore store = new InMemoryLockStore();
    WatchableInMemoryResourceLock lock = assertInstanceOf(WatchableInMemoryResourceLock.class,
        ReadmeExamples.throughTheFactory(store));
    lock.create(LeaderElectionRecord.of("a", 15, T, T, 0));
    assertArrayEquals(lock.get().raw(), store.peek("default", "my-app").orElseThrow().raw(), "the record is in that store");
  }
}
