package dev.baton.leaderelection.resourcelock;

import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A composite lock type {@code PRIMARY-to-SECONDARY}, such as {@code configmaps-to-leases}: a
 * MultiLock that writes both locks while an election migrates from the primary to the secondary
 * (client-go's {@code configmapsleases}). Provided by {@code dev.baton:baton-lock-multi}, whose
 * provider serves the type {@value #MULTI_PROVIDER_TYPE}.
 *
 * @param primary the lock type the election migrates from
 * @param secondary the lock type the election migrates to
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record CompositeLockType(String primary, String secondary) {

  /** The separator between the two lock types. */
  public static final String SEPARATOR = "-to-";

  /** The type name under which the provider of every composite type registers itself. */
  public static final String MULTI_PROVIDER_TYPE = "multi";

  /** Checks both parts are present and are not composite themselves. */
  public CompositeLockType {
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(secondary, "secondary");
    if (primary.isBlank() || secondary.isBlank() || primary.contains(SEPARATOR) || secondary.contains(SEPARATOR)) {
      throw new IllegalArgumentException("a composite lock type is PRIMARY" + SEPARATOR
          + "SECONDARY with two non-empty, non-composite lock types, such as configmaps-to-leases; got primary \""
          + primary + "\" and secondary \"" + secondary + "\"");
    }
  }

  /**
   * Reads a composite type name.
   *
   * @param lockType a lock type name
   * @return the two parts, or empty when {@code lockType} is not of the form
   *     {@code PRIMARY-to-SECONDARY} with exactly one separator
   */
  public static Optional<CompositeLockType> parse(String lockType) {
    int at = lockType.indexOf(SEPARATOR);
    if (at <= 0 || lockType.indexOf(SEPARATOR, at + 1) >= 0) {
      return Optional.empty();
    }
    String primary = lockType.substring(0, at);
    String secondary = lockType.substring(at + SEPARATOR.length());
    if (primary.isBlank() || secondary.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new CompositeLockType(primary, secondary));
  }

  /** The type name, {@code PRIMARY-to-SECONDARY}. */
  @Override
  public String toString() {
    return primary + SEPARATOR + secondary;
  }
}
