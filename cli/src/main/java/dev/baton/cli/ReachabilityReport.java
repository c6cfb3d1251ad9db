package dev.baton.cli;

import dev.baton.leaderelection.resourcelock.ForwardingResourceLock;
import dev.baton.leaderelection.resourcelock.ForwardingResourceLock.Call;
import dev.baton.leaderelection.resourcelock.ForwardingResourceLock.Operation;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.TransientLockException;

/**
 * Stands around the lock calls of {@code baton run} to tell the operator once when the store stops
 * answering and once when it answers again, instead of a warning at every retry.
 */
final class ReachabilityReport implements ForwardingResourceLock.Interceptor {
  private boolean unreachable;

  /** Wraps {@code lock}, keeping its watch capability. */
  static ResourceLock wrap(ResourceLock lock) {
    return ForwardingResourceLock.wrap(lock, new ReachabilityReport());
  }

  @Override
  public Object intercept(Operation operation, LeaderElectionRecord record, Call<?> call) throws LockException {
    try {
      Object result = call.call();
      reached();
      return result;
    } catch (TransientLockException e) {
      synchronized (this) {
        if (!unreachable) {
          unreachable = true;
          Console.say("the lock store does not answer: " + e.getMessage() + "; retrying");
        }
      }
      throw e;
    } catch (LockException e) {
      reached();   // an answer, even a refusal, means the store is there
      throw e;
    }
  }

  private synchronized void reached() {
    if (unreachable) {
      unreachable = false;
      Console.say("the lock store answers again");
    }
  }
}
