package dev.baton.spring.boot.autoconfigure;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Baton's leader election cannot start with the application's configuration: a {@code baton.*}
 * property is missing or invalid, or the lock type's module is not on the class path. It fails the
 * start-up; {@link BatonFailureAnalyzer} reports its description and the action to take.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class BatonConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String action;

  /**
   * @param description what is wrong, naming the properties
   * @param action what to set or add
   * @param cause the failure this explains, or {@code null}
   */
  public BatonConfigurationException(String description, String action, Throwable cause) {
    super(Objects.requireNonNull(description, "description"), cause);
    this.action = Objects.requireNonNull(action, "action");
  }

  /** What is wrong, naming the properties (the message). */
  public String getDescription() {
    return getMessage();
  }

  /** What to set or add to fix it. */
  public String getAction() {
    return action;
  }
}
