/**
 * Baton's API: the lock contract ported from client-go's {@code resourcelock} package, the
 * {@link java.util.ServiceLoader ServiceLoader} discovery of lock backends, and the leader elector.
 */
module dev.baton.api {
  requires org.slf4j;
  requires tools.jackson.core;
  requires tools.jackson.databind;

  exports dev.baton.leaderelection.resourcelock;

  uses dev.baton.leaderelection.resourcelock.ResourceLockProvider;
}
