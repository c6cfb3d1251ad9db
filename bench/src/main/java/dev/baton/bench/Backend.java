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

  /** Stops the store and everything the backend started. */
  @Override
  void close() throws Exception;
}
