package dev.baton.leaderelection.resourcelock;

import org.apiguardian.api.API;

/**
 * {@link ResourceLock#update(LeaderElectionRecord)} lost its compare-and-set: the stored record
 * changed (or was deleted) since this lock instance last read or wrote it. Nothing was written.
 * Read the record again with {@link ResourceLock#get()} before retrying.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public class UpdateConflictException extends LockException {
  private static final long serialVersionUID = 1L;

  /**
   * @param lockDescription the lock's {@link ResourceLock#describe()}
   * @param detail what the backend saw (for example the versions that differed), or {@code null}
   * @param cause the backend's exception, or {@code null}
   */
  public UpdateConflictException(String lockDescription, String detail, Throwable cause) {
    super(lockDescription,
        "lock " + lockDescription + " was changed by someone else since it was last read"
            + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"),
        cause);
  }
}
