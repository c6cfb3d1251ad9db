/**
 * A runnable Spring Boot application that elects a leader with Baton: a leader-only scheduled job,
 * a queue drainer that runs only while leading and writes with its fencing token, and leadership
 * event listeners. Run two instances against one etcd and stop the leader to watch the handover.
 */
package dev.baton.spring.boot.sample;
