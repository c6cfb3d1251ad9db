/**
 * Baton's API: the lock contract ported from client-go's {@code resourcelock} package, the
 * {@link java.util.ServiceLoader ServiceLoader} discovery of lock backends, and the leader elector.
 */
module dev.baton.api {
  requires org.slf4j;
  requires tools.jackson.core;
  requires tools.jackson.databind;
  requires static micrometer.core;

  exports dev.baton.leaderelection;
  exports dev.baton.leaderelection.resourcelock;
  exports dev.baton.leaderelection.micrometer;

  uses dev.baton.leaderelection.resourcelock.ResourceLockProvider;
}
