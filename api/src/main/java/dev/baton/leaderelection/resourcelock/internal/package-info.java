/**
 * Implementation details of the lock contract: Go-compatible JSON escaping and the table of
 * built-in lock types and the Maven artifacts that provide them. Not exported; may change in any
 * release.
 */
package dev.baton.leaderelection.resourcelock.internal;
