package dev.baton.lock.inmemory;

import dev.baton.leaderelection.resourcelock.CorruptRecordException;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import java.util.Objects;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * An {@link InMemoryResourceLock} with the watch capability: every change of the record is
 * delivered to the watcher on the thread that made it, so a follower's elector reacts to a release
 * at once and to an expiry at the exact moment. Records that cannot be parsed are not delivered.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class WatchableInMemoryResourceLock extends InMemoryResourceLock implements WatchableResourceLock {

  /**
   * A watchable lock on {@code namespace/name} in {@code store}.
   *
   * @param store where the record lives; share it between candidates
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param config this candidate's identity and event recorder
   */
  public WatchableInMemoryResourceLock(InMemoryLockStore store, String namespace, String name,
      ResourceLockConfig config) {
    super(store, namespace, name, config);
  }

  /**
   * Registers {@code listener} with the store at once, before this returns, so the watch's known point
   * is the registration itself: a write that finished before it is not delivered, every write after
   * it is, each one, on the writing thread, in order. It reads nothing, so it cannot change the
   * revision the next {@link #update} compares against.
   *
   * @param listener receives each change after the registration
   * @return a handle that unregisters the listener
   */
  @Override
  public RecordWatch watch(Consumer<ObservedRecord> listener) {
    Objects.requireNonNull(listener, "listener");
    Runnable stop = store().listen(namespace(), name(), change -> {
      if (change.isEmpty()) {
        listener.accept(null);
        return;
      }
      try {
        listener.accept(LeaderElectionRecordCodec.decode(change.get().raw(), describe()));
      } catch (CorruptRecordException e) {
        // Not delivered, as the contract says; the elector's next poll reports it.
      }
    });
    return stop::run;
  }
}
