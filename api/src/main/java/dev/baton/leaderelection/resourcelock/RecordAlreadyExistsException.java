package dev.baton.leaderelection.resourcelock;

import org.apiguardian.api.API;

/**
 * {@link ResourceLock#create(LeaderElectionRecord)} found a record already stored: another
 * candidate created it first. The stored record is left unchanged.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public class RecordAlreadyExistsException extends LockException {
  private static final long serialVersionUID = 1L;

  /**
   * @param lockDescription the lock's {@link ResourceLock#describe()}
   * @param cause the backend's exception, or {@code null}
   */
  public RecordAlreadyExistsException(String lockDescription, Throwable cause) {
    super(lockDescription, "lock " + lockDescription + " already holds a leader election record", cause);
  }
}
