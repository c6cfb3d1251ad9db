/**
 * Baton's API: the lock contract ported from client-go's {@code resourcelock} package, the
 * {@link java.util.ServiceLoader ServiceLoader} discovery of lock backends, and the leader elector.
 */
module dev.baton.api {
  requires org.slf4j;
  requires tools.jackson.core;
  requires static micrometer.core;
  // @API markers: needed to compile against Baton, not to run it (as in JUnit's own module-info).
  requires static transitive org.apiguardian.api;

  exports dev.baton.leaderelection;
  exports dev.baton.leaderelection.resourcelock;
  exports dev.baton.leaderelection.micrometer;

  uses dev.baton.leaderelection.resourcelock.ResourceLockProvider;
}
