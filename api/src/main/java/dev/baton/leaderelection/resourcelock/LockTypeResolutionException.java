package dev.baton.leaderelection.resourcelock;

import org.apiguardian.api.API;

/**
 * {@link ResourceLocks#newLock} could not find exactly one provider for a lock type: the type is
 * unknown (the message lists the types found), its Baton module is missing (the message names the
 * Maven artifact to add), or two providers claim it (the message names both classes). Providers
 * that failed to load are listed too. A configuration error: retrying does not help.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public class LockTypeResolutionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong and what to do
   */
  public LockTypeResolutionException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong and what to do
   * @param cause the resolution failure this one adds context to
   */
  public LockTypeResolutionException(String message, Throwable cause) {
    super(message, cause);
  }
}
