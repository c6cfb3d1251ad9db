package dev.baton.leaderelection.resourcelock;

import org.apiguardian.api.API;

/**
 * Base of the typed outcomes a {@link ResourceLock} call can end with.
 *
 * <p>The hierarchy is deliberately small so that callers can act on it:
 * {@link RecordNotFoundException}, {@link RecordAlreadyExistsException},
 * {@link UpdateConflictException}, {@link CorruptRecordException} and
 * {@link TransientLockException}. A backend wraps its client's exception as the
 * {@linkplain #getCause() cause}; no backend exception type is thrown through the API.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public class LockException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String lockDescription;

  /**
   * @param lockDescription the {@link ResourceLock#describe()} of the lock the call was made on
   * @param message what went wrong
   * @param cause the backend's exception, or {@code null}
   */
  public LockException(String lockDescription, String message, Throwable cause) {
    super(message, cause);
    this.lockDescription = lockDescription;
  }

  /** The {@link ResourceLock#describe()} of the lock this outcome belongs to. */
  public String lockDescription() {
    return lockDescription;
  }
}
