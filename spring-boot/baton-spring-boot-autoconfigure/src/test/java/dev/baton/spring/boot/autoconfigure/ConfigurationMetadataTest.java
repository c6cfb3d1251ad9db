package dev.baton.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.leaderelection.GoDurations;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.resourcelock.CompositeLockType;
import dev.baton.leaderelection.resourcelock.LockTypeResolutionException;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.leaderelection.resourcelock.internal.BuiltInLockTypes;
import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The metadata an IDE shows for {@code baton.*}, as the configuration processor wrote it (merged
 * with additional-spring-configuration-metadata.json), against the defaults the code uses and the
 * lock types and setting keys the backends on the test class path declare.
 */
class ConfigurationMetadataTest {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  /**
   * Built-in lock types the {@code baton.lock.type} hint leaves out on purpose: {@code multi} is
   * the provider of the composite types, not a type an application names; {@code inmemory} keeps
   * its record in one process's memory, so every instance of an application would lead alone (the
   * hint's {@code any} provider still accepts it in a test's properties).
   */
  private static final Set<String> NOT_HINTED = Set.of(CompositeLockType.MULTI_PROVIDER_TYPE, "inmemory");

  @Test
  @DisplayName("The documented defaults of baton.lease-duration, renew-deadline and retry-period are LeaderElectionConfig's and the properties' own")
  void durationDefaultsAreTheElectors() throws Exception {
    Map<String, Map<String, Object>> properties = batonProperties();
    BatonProperties fresh = new BatonProperties();
    Map<String, Duration> expected = new LinkedHashMap<>();
    expected.put("baton.lease-duration", LeaderElectionConfig.DEFAULT_LEASE_DURATION);
    expected.put("baton.renew-deadline", LeaderElectionConfig.DEFAULT_RENEW_DEADLINE);
    expected.put("baton.retry-period", LeaderElectionConfig.DEFAULT_RETRY_PERIOD);
    assertThat(List.of(fresh.getLeaseDuration(), fresh.getRenewDeadline(), fresh.getRetryPeriod()))
        .containsExactlyElementsOf(expected.values());
    for (Map.Entry<String, Duration> e : expected.entrySet()) {
      Map<String, Object> property = properties.get(e.getKey());
      assertThat(property).as(e.getKey() + " in the metadata").isNotNull();
      assertThat(property.get("defaultValue")).as(e.getKey() + "'s documented default")
          .isEqualTo(GoDurations.format(e.getValue()));
      // A description from the field's Javadoc: the declared default merged into the detected property.
      assertThat((String) property.get("description")).as(e.getKey() + "'s description").isNotBlank();
      assertThat(property.get("sourceType")).as(e.getKey() + "'s source").isEqualTo(BatonProperties.class.getName());
    }
  }

  @Test
  @DisplayName("Every other duration of baton.* documents the default the properties object has")
  void otherDefaultsMatchTheObject() throws Exception {
    Map<String, Object> watchdog = batonProperties().get("baton.watchdog-timeout");
    assertThat(watchdog).isNotNull();
    assertThat(watchdog.get("defaultValue")).isEqualTo(GoDurations.format(new BatonProperties().getWatchdogTimeout()));
  }

  @Test
  @DisplayName("The baton.lock.type hint names every built-in store lock type, and composites of hinted types only")
  void lockTypeHintsAreTheBuiltInTypes() throws Exception {
    Map<String, String> hinted = hintValues("baton.lock.type");
    Set<String> simple = new TreeSet<>();
    for (String type : hinted.keySet()) {
      Optional<CompositeLockType> composite = CompositeLockType.parse(type);
      if (composite.isEmpty()) {
        simple.add(type);
      }
    }
    Set<String> expected = new TreeSet<>(BuiltInLockTypes.names());
    expected.removeAll(NOT_HINTED);
    assertThat(simple).as("plain lock types hinted for baton.lock.type (BuiltInLockTypes.names() without %s)",
        NOT_HINTED).containsExactlyInAnyOrderElementsOf(expected);
    for (String type : hinted.keySet()) {
      CompositeLockType.parse(type).ifPresent(composite -> assertThat(List.of(composite.primary(), composite.secondary()))
          .as("the parts of the hinted composite type %s", type).allMatch(simple::contains));
    }
    assertThat(hintProviders("baton.lock.type")).as("value providers of baton.lock.type: third-party types and other "
        + "PRIMARY-to-SECONDARY pairs are accepted").contains("any");
  }

  @Test
  @DisplayName("The baton.settings.keys hint is exactly the setting keys the hinted lock types' providers declare")
  void settingKeyHintsAreTheBackendsKeys() throws Exception {
    Set<String> declared = new TreeSet<>();
    for (String type : hintValues("baton.lock.type").keySet()) {
      if (CompositeLockType.parse(type).isPresent()) {
        continue;   // a composite reads its parts' keys (and the same prefixed with primary. or secondary.)
      }
      Optional<Set<String>> keys;
      try {
        keys = ResourceLocks.settingKeys(type);
      } catch (LockTypeResolutionException e) {
        throw new AssertionError("lock type " + type + " is hinted but its module is not a test dependency of "
            + "this module, so its keys cannot be checked: " + e.getMessage(), e);
      }
      declared.addAll(keys.orElseThrow(() -> new AssertionError("lock type " + type + " declares no setting keys")));
    }
    assertThat(hintValues("baton.settings.keys").keySet()).as("keys hinted for baton.settings.*")
        .containsExactlyInAnyOrderElementsOf(declared);
    assertThat(hintProviders("baton.settings.keys")).as("value providers of baton.settings.keys: third-party and "
        + "primary./secondary. keys are accepted").contains("any");
  }

  /** The values of the hint {@code name} with their descriptions, checked to be distinct and described. */
  private static Map<String, String> hintValues(String name) throws Exception {
    Map<String, String> values = new LinkedHashMap<>();
    for (Object value : asList(hint(name).getOrDefault("values", List.of()))) {
      String v = (String) asMap(value).get("value");
      String description = (String) asMap(value).get("description");
      assertThat(values).as("hint values of " + name).doesNotContainKey(v);
      assertThat(description).as("description of " + v + " in the hint " + name).isNotBlank();
      values.put(v, description);
    }
    return values;
  }

  /** The names of the value providers of the hint {@code name}. */
  private static List<String> hintProviders(String name) throws Exception {
    List<String> names = new ArrayList<>();
    for (Object provider : asList(hint(name).getOrDefault("providers", List.of()))) {
      names.add((String) asMap(provider).get("name"));
    }
    return names;
  }

  private static Map<String, Object> hint(String name) throws Exception {
    for (Object hint : asList(batonMetadata().getOrDefault("hints", List.of()))) {
      if (name.equals(asMap(hint).get("name"))) {
        return asMap(hint);
      }
    }
    throw new AssertionError("no hint " + name + " in the metadata");
  }

  /** The {@code properties} of the metadata file that has the {@code baton} group, by name. */
  private static Map<String, Map<String, Object>> batonProperties() throws Exception {
    Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
    for (Object property : asList(batonMetadata().get("properties"))) {
      byName.put((String) asMap(property).get("name"), asMap(property));
    }
    return byName;
  }

  /** The metadata file that has the {@code baton} group. */
  private static Map<String, Object> batonMetadata() throws Exception {
    List<URL> files = Collections.list(ConfigurationMetadataTest.class.getClassLoader()
        .getResources("META-INF/spring-configuration-metadata.json"));
    for (URL file : files) {
      Map<String, Object> metadata;
      try (InputStream in = file.openStream(); JsonParser p = JSON.createParser(ObjectReadContext.empty(), in)) {
        p.nextToken();
        metadata = asMap(read(p));
      }
      List<Object> groups = asList(metadata.getOrDefault("groups", List.of()));
      if (groups.stream().anyMatch(g -> "baton".equals(asMap(g).get("name")))) {
        return metadata;
      }
    }
    throw new AssertionError("no spring-configuration-metadata.json with the baton group among " + files);
  }

  /** The value at the current token, as maps, lists, strings, numbers, booleans or null. */
  private static Object read(JsonParser p) {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          String name = p.currentName();
          p.nextToken();
          map.put(name, read(p));
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(read(p));
        }
        return list;
      }
      case VALUE_STRING -> {
        return p.getString();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return p.getNumberValue();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return p.getBooleanValue();
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new AssertionError("unexpected " + t);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object value) {
    return (List<Object>) value;
  }
}
