package dev.baton.cli;

/** A failure the program reports as one line on standard error, with its exit status. */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The exit status. */
  private final int exitCode;

  /**
   * @param exitCode the exit status
   * @param message the line to print, without the {@code baton: } prefix
   * @param cause the underlying failure, printed only with {@code --verbose}
   */
  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The exit status. */
  public int exitCode() {
    return exitCode;
  }
}
