package dev.baton.leaderelection.resourcelock;

import org.apiguardian.api.API;

/**
 * {@link ResourceLock#get()} found no record: the election has never been held on this lock
 * (client-go's {@code errors.IsNotFound}). The elector answers it with
 * {@link ResourceLock#create(LeaderElectionRecord)}.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public class RecordNotFoundException extends LockException {
  private static final long serialVersionUID = 1L;

  /**
   * @param lockDescription the lock's {@link ResourceLock#describe()}
   * @param cause the backend's exception, or {@code null}
   */
  public RecordNotFoundException(String lockDescription, Throwable cause) {
    super(lockDescription, "lock " + lockDescription + " has no leader election record", cause);
  }
}
