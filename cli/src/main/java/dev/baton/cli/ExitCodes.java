package dev.baton.cli;

/** The exit statuses of {@code baton}, documented in the cli README. */
public final class ExitCodes {
  /** Done: stopped by Ctrl-C or SIGTERM after releasing the lock, or a successful status/demo. */
  public static final int OK = 0;
  /** Setup failed: unknown lock type, missing backend module, unreachable server, bad settings. */
  public static final int SETUP = 1;
  /** The command line is wrong. */
  public static final int USAGE = 2;
  /** {@code run}: leadership was lost, so the command was stopped. */
  public static final int LEADERSHIP_LOST = 3;
  /** {@code status}: the lock has no record yet. */
  public static final int NO_RECORD = 4;
  /** {@code run}: another process uses this identity on the same lock, so this one stopped. */
  public static final int IDENTITY_CONFLICT = 5;

  private ExitCodes() {
  }
}
