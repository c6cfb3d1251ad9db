/**
 * Actuator views of the election: a health indicator (leader or follower, holder, fencing token,
 * last renewal; DOWN when the renew loop is stuck or the identity is taken), an info contributor,
 * and the elector's Micrometer meters as a {@code MeterBinder}. Each is used only when its library
 * (Spring Boot's health or actuator module, Micrometer) is on the class path.
 */
package dev.baton.spring.boot.actuate;
