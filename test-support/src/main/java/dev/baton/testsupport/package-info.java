/**
 * Test support for Baton's own modules that the published kit does not carry, because it would
 * bring third-party test libraries into the kit's compile scope.
 *
 * <p>{@link dev.baton.testsupport.Docker} asks Testcontainers whether a Docker engine is there; a
 * backend's server fixture then prefers a container (after an address given in an environment
 * variable) and otherwise falls back to the kit's JDK-only tools in {@code dev.baton.testkit.fixture}
 * (a server binary as a child process, an in-process server). The module is used in test scope only
 * and is not published.
 */
package dev.baton.testsupport;
