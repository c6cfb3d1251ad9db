package dev.baton.testkit;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apiguardian.api.API;

/**
 * A way to stall the store for the kit's stalled-store group ({@link LockCapability#STALL}): locks
 * made by {@link #newLock} reach the store until {@link #stall()}, and get no answer at all after it
 * (connections stay open, nothing comes back), as when a network path or a server hangs. The kit
 * then checks that every call of those locks still returns within {@link #clientTimeout()}.
 *
 * <p>A backend reached over TCP needs one line, {@link #throughProxy}:
 *
 * <pre>{@code
 * @Override protected StoreStall newStoreStall() {
 *   return StoreStall.throughProxy(lockType(), etcd.address(),
 *       via -> ResourceLockOptions.builder().setting("etcd.endpoints", "http://" + via.getHostString() + ":" + via.getPort()).build());
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface StoreStall extends AutoCloseable {

  /** The renew deadline the locks of {@link #throughProxy} get, so that their client timeout is 1 s. */
  Duration PROXY_RENEW_DEADLINE = Duration.ofSeconds(2);

  /**
   * A lock whose calls go the way {@link #stall()} stalls; each call returns within
   * {@link #clientTimeout()}, or the lock is broken.
   *
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param identity the candidate's identity
   * @return the lock, closed by {@link #close()} when it is {@link AutoCloseable}
   * @throws Exception when the backend cannot make one
   */
  ResourceLock newLock(String namespace, String name, String identity) throws Exception;

  /** The client timeout the locks of {@link #newLock} were made with: the bound of each of their calls. */
  Duration clientTimeout();

  /** From now on the store answers nothing to the locks of {@link #newLock}, old connections and new. */
  void stall();

  /** Lets calls through again (closing does too) and closes the locks made and whatever the stall opened. */
  @Override
  void close() throws Exception;

  /**
   * Stalls a store reached over TCP with the kit's {@link TcpProxy} in front of it. The locks come
   * from {@link ResourceLocks#newLock} with the options {@code optionsVia} gives for the proxy's
   * address and a renew deadline of {@link #PROXY_RENEW_DEADLINE}, so they are built as an
   * application builds them and their client timeout is
   * {@link ResourceLockOptions#clientTimeout()} (1 s); a stall is the proxy's
   * {@link ProxyMode#BLACKHOLE}.
   *
   * @param lockType the backend's lock type
   * @param store the address the backend's server listens on
   * @param optionsVia the options that make {@link ResourceLocks#newLock} reach the store at the given
   *     address instead of its own (endpoints, a connect string, a JDBC URL, a kubeconfig)
   * @return the stall, passing traffic until {@link #stall()}
   */
  static StoreStall throughProxy(String lockType, InetSocketAddress store,
      Function<InetSocketAddress, ResourceLockOptions> optionsVia) {
    Objects.requireNonNull(lockType, "lockType");
    Objects.requireNonNull(optionsVia, "optionsVia");
    TcpProxy proxy = TcpProxy.to(store.getHostString(), store.getPort());
    ResourceLockOptions options;
    try {
      options = optionsVia.apply(proxy.address()).toBuilder().renewDeadline(PROXY_RENEW_DEADLINE).build();
    } catch (RuntimeException e) {
      proxy.close();
      throw e;
    }
    return new StoreStall() {
      private final List<ResourceLock> locks = new ArrayList<>();

      @Override
      public synchronized ResourceLock newLock(String namespace, String name, String identity) throws Exception {
        ResourceLock lock = ResourceLocks.newLock(lockType, namespace, name, ResourceLockConfig.of(identity), options);
        locks.add(lock);
        return lock;
      }

      @Override
      public Duration clientTimeout() {
        return options.clientTimeout();
      }

      @Override
      public void stall() {
        proxy.setMode(ProxyMode.BLACKHOLE);
      }

      @Override
      public synchronized void close() throws Exception {
        proxy.setMode(ProxyMode.RESET);
        Exception failure = null;
        for (ResourceLock lock : locks) {
          if (lock instanceof AutoCloseable closeable) {
            try {
              closeable.close();
            } catch (Exception e) {
              if (failure == null) {
                failure = e;
              } else {
                failure.addSuppressed(e);
              }
            }
          }
        }
        proxy.close();
        if (failure != null) {
          throw failure;
        }
      }

      @Override
      public String toString() {
        return "StoreStall{" + lockType + " through " + proxy + "}";
      }
    };
  }
}
