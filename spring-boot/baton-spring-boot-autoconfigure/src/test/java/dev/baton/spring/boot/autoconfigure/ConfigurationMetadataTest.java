package dev.baton.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.leaderelection.GoDurations;
import dev.baton.leaderelection.LeaderElectionConfig;
import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The metadata an IDE shows for {@code baton.*}, as the configuration processor wrote it (merged
 * with additional-spring-configuration-metadata.json), against the defaults the code uses.
 */
class ConfigurationMetadataTest {
  private static final JsonFactory JSON = JsonFactory.builder().build();

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

  /** The {@code properties} of the metadata file that has the {@code baton} group, by name. */
  private static Map<String, Map<String, Object>> batonProperties() throws Exception {
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
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (Object property : asList(metadata.get("properties"))) {
          byName.put((String) asMap(property).get("name"), asMap(property));
        }
        return byName;
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
