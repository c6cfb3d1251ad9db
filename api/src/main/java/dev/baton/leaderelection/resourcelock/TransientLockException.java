package dev.baton.leaderelection.resourcelock;

import org.apiguardian.api.API;

/**
 * The backend could not answer in time or at all (connection refused or reset, timeout,
 * server unavailable). The call may have taken effect or not; retrying after reading the record
 * again is safe. The elector treats it as a failed attempt and retries on its schedule.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public class TransientLockException extends LockException {
  private static final long serialVersionUID = 1L;

  /**
   * @param lockDescription the lock's {@link ResourceLock#describe()}
   * @param message what failed, naming the server or endpoint where known
   * @param cause the backend's exception, or {@code null}
   */
  public TransientLockException(String lockDescription, String message, Throwable cause) {
    super(lockDescription, message, cause);
  }
}
