package dev.baton.bench;

import dev.baton.leaderelection.resourcelock.ResourceLock;

/** A store the benchmarks run against, started by the harness and stopped after. */
public interface Backend extends AutoCloseable {

  /** A short name for reports, such as {@code etcd}. */
  String name();

  /**
   * A new lock instance for one candidate.
   *
   * @param lockName the lock's name (namespace is the backend's choice)
   * @param identity the candidate's identity
   * @return the lock
   * @throws Exception when the store refuses
   */
  ResourceLock newLock(String lockName, String identity) throws Exception;

  /** Whether this backend's locks offer the watch capability. */
  boolean watches();

  /**
   * The store's own client, for the raw write ceiling ({@link StoreCeiling}).
   *
   * @return a raw store on a client of its own
   * @throws Exception when the store refuses
   */
  default RawStore rawStore() throws Exception {
    throw new UnsupportedOperationException("no raw client for " + name());
  }

  /**
   * What the backend holds open against its store now: connections and watches, as the store or
   * the client reports them. Empty when there is nothing to say.
   *
   * @return a short description for the report
   */
  default String openResources() {
    return "";
  }

  /** Stops the store and everything the backend started. */
  @Override
  void close() throws Exception;
}
