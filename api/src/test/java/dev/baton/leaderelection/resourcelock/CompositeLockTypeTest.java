package dev.baton.leaderelection.resourcelock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("CompositeLockType")
class CompositeLockTypeTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "configmaps-to-leases, configmaps, leases",
      "zookeeper-to-leases, zookeeper, leases",
      "etcd-to-zookeeper, etcd, zookeeper",
      "a-to-b, a, b"})
  @DisplayName("parses PRIMARY-to-SECONDARY into its two parts and prints it back unchanged")
  void parses(String name, String primary, String secondary) {
    CompositeLockType t = CompositeLockType.parse(name).orElseThrow();
    assertEquals(new CompositeLockType(primary, secondary), t);
    assertEquals(primary, t.primary());
    assertEquals(secondary, t.secondary());
    assertEquals(name, t.toString());
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"leases", "", "-to-", "-to-leases", "configmaps-to-", " -to-leases", "configmaps-to- ",
      "a-to-b-to-c", "configmaps_to_leases", "configmaps-TO-leases", "multi"})
  @DisplayName("is empty for a name that is not exactly two non-blank types around one separator")
  void notComposite(String name) {
    assertEquals(Optional.empty(), CompositeLockType.parse(name));
  }

  @Test
  @DisplayName("rejects blank or composite parts with a message naming both parts")
  void invalidParts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CompositeLockType("a-to-b", "leases"));
    assertEquals("a composite lock type is PRIMARY-to-SECONDARY with two non-empty, non-composite lock types,"
        + " such as configmaps-to-leases; got primary \"a-to-b\" and secondary \"leases\"", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new CompositeLockType("leases", " "));
    assertThrows(IllegalArgumentException.class, () -> new CompositeLockType("", "leases"));
    assertThrows(IllegalArgumentException.class, () -> new CompositeLockType("leases", "x-to-y"));
    assertEquals("primary", assertThrows(NullPointerException.class,
        () -> new CompositeLockType(null, "leases")).getMessage());
    assertEquals("secondary", assertThrows(NullPointerException.class,
        () -> new CompositeLockType("leases", null)).getMessage());
  }

  @Test
  @DisplayName("names the separator and the type of the multi provider")
  void constants() {
    assertEquals("-to-", CompositeLockType.SEPARATOR);
    assertEquals("multi", CompositeLockType.MULTI_PROVIDER_TYPE);
  }
}
