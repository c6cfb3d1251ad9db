package dev.baton.lock.inmemory;

import com.google.auto.service.AutoService;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockProvider;
import dev.baton.leaderelection.resourcelock.ResourceLockRequest;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * Serves lock type {@code inmemory} ({@link ResourceLocks#INMEMORY}) from {@code baton-lock-inmemory}.
 *
 * <p>The store is, in this order: a ready-made {@link InMemoryLockStore} client in the options;
 * the store named by setting {@value #STORE_SETTING}; the store named {@value #DEFAULT_STORE}.
 * Setting {@value #WATCH_SETTING} ({@code true} by default) chooses
 * {@link WatchableInMemoryResourceLock} or the polling {@link InMemoryResourceLock}.
 */
@AutoService(ResourceLockProvider.class)
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class InMemoryResourceLockProvider implements ResourceLockProvider {

  /** The setting naming the shared store. */
  public static final String STORE_SETTING = "inmemory.store";

  /** The setting that turns the watch capability on ({@code true}, the default) or off. */
  public static final String WATCH_SETTING = "inmemory.watch";

  /** The store used when none is given. */
  public static final String DEFAULT_STORE = "default";

  @Override
  public String lockType() {
    return ResourceLocks.INMEMORY;
  }

  @Override
  public Optional<Set<String>> settingKeys(ResourceLockRequest request) {
    return Optional.of(Set.of(STORE_SETTING, WATCH_SETTING));
  }

  @Override
  public ResourceLock create(ResourceLockRequest request) {
    InMemoryLockStore store = request.client(InMemoryLockStore.class)
        .orElseGet(() -> InMemoryLockStore.named(request.setting(STORE_SETTING).orElse(DEFAULT_STORE)));
    String watch = request.setting(WATCH_SETTING).orElse("true").trim();
    if (watch.equalsIgnoreCase("true")) {
      return new WatchableInMemoryResourceLock(store, request.namespace(), request.name(), request.config());
    }
    if (watch.equalsIgnoreCase("false")) {
      return new InMemoryResourceLock(store, request.namespace(), request.name(), request.config());
    }
    throw new IllegalArgumentException("Setting " + WATCH_SETTING + " must be 'true' or 'false'; got '" + watch + "'");
  }
}
