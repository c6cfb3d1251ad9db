/**
 * Test support for Baton's own modules that the published kit does not carry, because it would
 * bring third-party test libraries into the kit's compile scope.
 *
 * <p>{@link dev.baton.testsupport.Docker} asks Testcontainers whether a Docker engine is there; a
 * backend's server fixture then prefers a container (after an address given in an environment
 * variable) and otherwise falls back to the kit's JDK-only tools in {@code dev.baton.testkit.fixture}
 * (a server binary as a child process, an in-process server).
 * {@link dev.baton.testsupport.MockApiDispatcher} is fabric8's mock Kubernetes API server's CRUD
 * dispatcher without the mock's two faults at the end of a watch, for the Kubernetes locks' tests and
 * the benchmark (fabric8's mock server is an optional dependency: a user of it declares it). The module
 * is used in test scope (and by the unpublished benchmark) only, and is not published.
 */
package dev.baton.testsupport;
