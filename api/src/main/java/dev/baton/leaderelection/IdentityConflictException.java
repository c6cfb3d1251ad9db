package dev.baton.leaderelection;

import org.apiguardian.api.API;

/**
 * Ends a run whose candidate found another process writing the lock's record under its own
 * identity: two candidates with one identity cannot tell their terms apart, so both could lead.
 * The run's future ({@link LeaderElector#start()}) completes with it and {@link LeaderElector#run()}
 * throws it. Give every candidate a distinct identity (the pod name, or host name plus process id).
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class IdentityConflictException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String identity;
  private final String lockDescription;

  /**
   * @param identity the duplicated identity
   * @param lockDescription the lock, as {@code ResourceLock.describe()}
   * @param detail what was seen
   */
  public IdentityConflictException(String identity, String lockDescription, String detail) {
    super("another process uses the identity '" + identity + "' on lock " + lockDescription + " (" + detail
        + "); give every candidate a distinct identity, such as the pod name or the host name plus the process id");
    this.identity = identity;
    this.lockDescription = lockDescription;
  }

  /** The duplicated identity. */
  public String identity() {
    return identity;
  }

  /** The lock, as {@code ResourceLock.describe()}. */
  public String lockDescription() {
    return lockDescription;
  }
}
