package dev.baton.faults;

/**
 * The faults the test injects, each as it happens in production. Durations are in multiples of the
 * election's timings ({@link SafetyChecker.Timings}).
 */
enum Fault {
  /** The leader freezes (a long GC pause, a VM migration, a throttled container) for 2 x leaseDuration. */
  LEADER_PAUSE("leader-pause", true),
  /** The leader crashes (SIGKILL); it is restarted with the same identity once another candidate leads. */
  LEADER_KILL("leader-kill", true),
  /** The store's server freezes for 1.5 x leaseDuration. */
  SERVER_PAUSE("server-pause", false),
  /** The leader's network path hangs (packets dropped, nothing closed) for 2 x leaseDuration. */
  LEADER_BLACKHOLE("leader-blackhole", true),
  /** The leader freezes for less than renewDeadline: leadership must survive. */
  LEADER_SHORT_PAUSE("leader-short-pause", false);

  private final String label;
  private final boolean failsOver;

  Fault(String label, boolean failsOver) {
    this.label = label;
    this.failsOver = failsOver;
  }

  /** A short name for reports. */
  String label() {
    return label;
  }

  /** Whether another candidate must take over, timed from the injection. */
  boolean failsOver() {
    return failsOver;
  }
}
