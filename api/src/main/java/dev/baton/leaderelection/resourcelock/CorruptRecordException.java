package dev.baton.leaderelection.resourcelock;

import org.apiguardian.api.API;

/**
 * The stored record cannot be parsed as a {@link LeaderElectionRecord}. The message names the
 * lock, the field (key) that is wrong and what is wrong with it. The stored bytes are never
 * overwritten by the call that found them corrupt; an operator must repair or delete the record.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public class CorruptRecordException extends LockException {
  private static final long serialVersionUID = 1L;

  private final String problem;

  /**
   * @param lockDescription the lock's {@link ResourceLock#describe()}
   * @param problem what is wrong, naming the offending key (for example
   *     {@code "leaseDurationSeconds must be a non-negative integer, found -5"})
   * @param cause the parser's exception, or {@code null}
   */
  public CorruptRecordException(String lockDescription, String problem, Throwable cause) {
    super(lockDescription,
        "lock " + lockDescription + " holds a leader election record that cannot be parsed: " + problem
            + ". Repair or delete the stored record; Baton never overwrites it.",
        cause);
    this.problem = problem;
  }

  /** What is wrong with the stored record, without the lock's name. */
  public String problem() {
    return problem;
  }
}
