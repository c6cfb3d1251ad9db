package dev.baton.faults;

/**
 * One fault as injected, on the same monotonic clock as the candidates' logs.
 *
 * @param fault what was done
 * @param target the process it was done to ({@code c1#1}), or {@code server}
 * @param leader the process that led when it was injected
 * @param leaderToken the fencing token of that leader's term
 * @param startNanos just before the fault began (before the signal was sent, the proxy switched)
 * @param endNanos just after it was healed (SIGCONT sent, proxy back to PASS); {@code startNanos} for a kill
 */
record Injection(Fault fault, String target, String leader, long leaderToken, long startNanos, long endNanos) {
}
