/**
 * The {@code baton} program: {@code run} a command only while this process leads, {@code status} of
 * a lock, and a {@code demo} of failovers on an embedded backend.
 */
package dev.baton.cli;
