/**
 * Leader election for Spring Boot applications, the programming model.
 *
 * <p>{@link dev.baton.spring.boot.Leadership} is the application's part in one election: it starts
 * a Baton {@code LeaderElector} with the application context and steps down when the context
 * closes, so a graceful shutdown hands leadership over in milliseconds. Leader-only work comes in
 * three forms, all stopped before the lock is released: {@link dev.baton.spring.boot.LeadershipGrantedEvent}
 * and {@link dev.baton.spring.boot.LeadershipRevokedEvent} listeners; beans implementing
 * {@link dev.baton.spring.boot.LeaderLifecycle}, started on each grant and stopped on each revoke;
 * and {@link dev.baton.spring.boot.LeaderScheduled @LeaderScheduled} methods, which run only while
 * the term is valid right before each run. The auto-configuration in
 * {@code dev.baton.spring.boot.autoconfigure} sets it all up from {@code baton.*} properties.
 */
package dev.baton.spring.boot;
