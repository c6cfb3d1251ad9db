package dev.baton.lock.inmemory;

import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * An {@link InMemoryResourceLock} with the watch capability: every change of the record is
 * delivered to the watcher on the thread that made it, so a follower's elector reacts to a release
 * at once and to an expiry at the exact moment. Records that cannot be parsed are not delivered,
 * and a listener that throws is logged without stopping later deliveries (the delivery step of
 * {@link dev.baton.leaderelection.resourcelock.AbstractResourceLock}).
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
   * it is, each one, on the writing thread, in order (the store calls its listeners one at a time,
   * under its monitor). It reads nothing, so it cannot change the revision the next {@link #update}
   * compares against.
   *
   * @param listener receives each change after the registration, {@code null} when the record was deleted
   * @return a handle that unregisters the listener
   */
  @Override
  public RecordWatch watch(Consumer<ObservedRecord> listener) {
    Consumer<byte[]> deliver = deliveryTo(listener);
    Runnable stop = store().listen(namespace(), name(),
        change -> deliver.accept(change.map(InMemoryLockStore.StoredRecord::raw).orElse(null)));
    return stop::run;
  }
}
