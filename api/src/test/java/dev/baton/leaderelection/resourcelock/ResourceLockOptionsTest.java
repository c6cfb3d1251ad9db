package dev.baton.leaderelection.resourcelock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("ResourceLockOptions")
class ResourceLockOptionsTest {

  @Test
  @DisplayName("defaults have no settings, no clients, client-go's 10 s renew deadline and a 5 s client timeout")
  void defaults() {
    ResourceLockOptions o = ResourceLockOptions.defaults();
    assertEquals(Map.of(), o.settings());
    assertEquals(Duration.ofSeconds(10), o.renewDeadline());
    assertEquals(Duration.ofSeconds(10), ResourceLockOptions.DEFAULT_RENEW_DEADLINE);
    assertEquals(Duration.ofSeconds(5), o.clientTimeout());
    assertEquals(Optional.empty(), o.client(Object.class));
    assertEquals(Optional.empty(), o.setting("etcd.endpoints"));
  }

  @ParameterizedTest(name = "renewDeadline {0} -> clientTimeout {1}")
  @CsvSource({
      "PT10S, PT5S",
      "PT30S, PT15S",
      "PT3S, PT1.5S",
      "PT2S, PT1S",
      "PT1.999S, PT1S",
      "PT1S, PT1S",
      "PT0.001S, PT1S",
      "PT0.000000001S, PT1S"})
  @DisplayName("the client timeout is max(1 s, renewDeadline / 2), as client-go's NewFromKubeconfig sets it")
  void clientTimeout(Duration renewDeadline, Duration expected) {
    ResourceLockOptions o = ResourceLockOptions.builder().renewDeadline(renewDeadline).build();
    assertEquals(renewDeadline, o.renewDeadline());
    assertEquals(expected, o.clientTimeout());
  }

  @Test
  @DisplayName("a zero, negative or null renew deadline is rejected")
  void invalidRenewDeadline() {
    assertEquals("renewDeadline must be positive, was PT0S", assertThrows(IllegalArgumentException.class,
        () -> ResourceLockOptions.builder().renewDeadline(Duration.ZERO)).getMessage());
    assertEquals("renewDeadline must be positive, was PT-1S", assertThrows(IllegalArgumentException.class,
        () -> ResourceLockOptions.builder().renewDeadline(Duration.ofSeconds(-1))).getMessage());
    assertEquals("renewDeadline", assertThrows(NullPointerException.class,
        () -> ResourceLockOptions.builder().renewDeadline(null)).getMessage());
  }

  @Test
  @DisplayName("settings keep their order, are read-only, and a null key or value is rejected by name")
  void settings() {
    Map<String, String> more = new LinkedHashMap<>();
    more.put("b", "2");
    more.put("a", "1");
    ResourceLockOptions o = ResourceLockOptions.builder().setting("z", "26").settings(more).build();
    assertEquals(List.of("z", "b", "a"), List.copyOf(o.settings().keySet()));
    assertEquals(Optional.of("1"), o.setting("a"));
    assertThrows(UnsupportedOperationException.class, () -> o.settings().put("x", "y"));
    assertEquals("setting key", assertThrows(NullPointerException.class,
        () -> ResourceLockOptions.builder().setting(null, "v")).getMessage());
    assertEquals("value of setting etcd.endpoints", assertThrows(NullPointerException.class,
        () -> ResourceLockOptions.builder().setting("etcd.endpoints", null)).getMessage());
  }

  @Test
  @DisplayName("built options do not change when the builder or the given map changes afterwards")
  void immutable() {
    Map<String, String> source = new LinkedHashMap<>(Map.of("k", "v"));
    ResourceLockOptions.Builder b = ResourceLockOptions.builder().settings(source);
    ResourceLockOptions o = b.build();
    source.put("k2", "v2");
    b.setting("k", "changed").client(String.class, "client").renewDeadline(Duration.ofSeconds(2));
    assertEquals(Map.of("k", "v"), o.settings());
    assertEquals(Optional.empty(), o.client(String.class));
    assertEquals(Duration.ofSeconds(10), o.renewDeadline());
  }

  @Test
  @DisplayName("toBuilder copies everything, and changing the copy leaves the original alone")
  void toBuilder() {
    StringBuilder client = new StringBuilder("c");
    ResourceLockOptions o = ResourceLockOptions.builder().setting("a", "1").client(StringBuilder.class, client)
        .renewDeadline(Duration.ofSeconds(4)).build();
    ResourceLockOptions copy = o.toBuilder().setting("a", "2").renewDeadline(Duration.ofSeconds(6)).build();
    assertEquals(Optional.of("2"), copy.setting("a"));
    assertSame(client, copy.client(StringBuilder.class).orElseThrow());
    assertEquals(Duration.ofSeconds(6), copy.renewDeadline());
    assertEquals(Optional.of("1"), o.setting("a"));
    assertEquals(Duration.ofSeconds(4), o.renewDeadline());
  }

  @Test
  @DisplayName("a client is found by its exact registered type first, else by the first registered instance of the type")
  void clientLookup() {
    StringBuilder builder = new StringBuilder("builder");
    String exact = "exact";
    ResourceLockOptions o = ResourceLockOptions.builder()
        .client(StringBuilder.class, builder)
        .client(CharSequence.class, exact)
        .build();
    assertSame(exact, o.client(CharSequence.class).orElseThrow());
    assertSame(builder, o.client(StringBuilder.class).orElseThrow());
    assertSame(builder, o.client(Appendable.class).orElseThrow());
    assertSame(exact, o.client(String.class).orElseThrow());
    assertSame(builder, o.client(Object.class).orElseThrow());
    assertEquals(Optional.empty(), o.client(Integer.class));
  }

  @Test
  @DisplayName("a null client or client type is rejected")
  void nullClient() {
    assertEquals("client", assertThrows(NullPointerException.class,
        () -> ResourceLockOptions.builder().client(String.class, null)).getMessage());
    assertEquals("client type", assertThrows(NullPointerException.class,
        () -> ResourceLockOptions.builder().client(null, "x")).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"etcd.password", "PASSWORD", "zookeeper.auth.Secret", "kube.token", "bearerToken",
      "aws.credentials", "CredentialFile"})
  @DisplayName("keys that mention a password, secret, token or credential are secret, in any case")
  void secretKeys(String key) {
    assertTrue(ResourceLockOptions.isSecret(key), key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"etcd.endpoints", "kubeconfig", "zookeeper.connectString", "tls.cert", "user"})
  @DisplayName("ordinary keys are not secret")
  void ordinaryKeys(String key) {
    assertFalse(ResourceLockOptions.isSecret(key), key);
  }

  @Test
  @DisplayName("toString shows ordinary settings and client types but never a secret value")
  void toStringRedacts() {
    ResourceLockOptions o = ResourceLockOptions.builder()
        .setting("etcd.endpoints", "http://127.0.0.1:2379")
        .setting("etcd.password", "hunter2")
        .setting("kube.Token", "eyJhbGciOi")
        .client(CharSequence.class, "the-client-itself")
        .renewDeadline(Duration.ofSeconds(4))
        .build();
    String s = o.toString();
    assertEquals("ResourceLockOptions{settings={etcd.endpoints=http://127.0.0.1:2379, etcd.password=<redacted>,"
        + " kube.Token=<redacted>}, clients=[java.lang.CharSequence], renewDeadline=PT4S}", s);
    assertFalse(s.contains("hunter2"));
    assertFalse(s.contains("eyJhbGciOi"));
    assertFalse(s.contains("the-client-itself"));
    assertEquals("hunter2", o.setting("etcd.password").orElseThrow());
  }
}
