package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * The settings of the Kubernetes locks, read and checked from {@link ResourceLockOptions}.
 *
 * @param kubeconfig a kubeconfig file; empty for fabric8's own resolution (in-cluster, then
 *     {@code KUBECONFIG} / {@code ~/.kube/config})
 * @param context the kubeconfig context; empty for the current one
 * @param labels labels put on the lock object on create and update
 * @param events whether to write {@code events.k8s.io/v1} Events when no recorder is configured
 * @param timeout the request and connection timeout: max(1 s, renewDeadline / 2)
 * @param configmapFormat the form of the record the {@code configmaps} lock writes into a new
 *     ConfigMap (an existing annotation keeps its own form)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record KubernetesLockSettings(Optional<Path> kubeconfig, Optional<String> context, Map<String, String> labels,
    boolean events, Duration timeout, ConfigMapLock.Format configmapFormat) {

  /** A kubeconfig file to use instead of fabric8's resolution. */
  public static final String KUBECONFIG = "kubernetes.kubeconfig";
  /** The kubeconfig context to use. */
  public static final String CONTEXT = "kubernetes.context";
  /** Labels for the lock object: {@code key=value,key=value}. */
  public static final String LABELS = "kubernetes.labels";
  /** {@code true} to write Kubernetes Events about the lock when no event recorder is configured. */
  public static final String EVENTS = "kubernetes.events";

  /**
   * {@code client-go} (the default) or {@code fabric8}: the form of the record the {@code configmaps}
   * lock writes into a new ConfigMap; an existing annotation keeps the form it has.
   */
  public static final String CONFIGMAP_FORMAT = "kubernetes.configmapFormat";

  /** Every setting key the Kubernetes locks read; {@code ResourceLocks.newLock} rejects others. */
  public static final Set<String> KEYS = Set.of(KUBECONFIG, CONTEXT, LABELS, EVENTS, CONFIGMAP_FORMAT);

  private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

  /** Copies the labels. */
  public KubernetesLockSettings {
    labels = Map.copyOf(labels);
    java.util.Objects.requireNonNull(configmapFormat, "configmapFormat");
  }

  /**
   * Settings that write client-go's form into a new ConfigMap.
   *
   * @param kubeconfig a kubeconfig file; empty for fabric8's own resolution
   * @param context the kubeconfig context; empty for the current one
   * @param labels labels put on the lock object on create and update
   * @param events whether to write Events when no recorder is configured
   * @param timeout the request and connection timeout
   */
  public KubernetesLockSettings(Optional<Path> kubeconfig, Optional<String> context, Map<String, String> labels,
      boolean events, Duration timeout) {
    this(kubeconfig, context, labels, events, timeout, ConfigMapLock.Format.CLIENT_GO);
  }

  /**
   * Reads the settings; every problem is reported in one message naming the setting, the value and
   * the rule.
   *
   * @param options the lock options
   * @return the settings
   * @throws IllegalArgumentException when a setting is invalid
   */
  public static KubernetesLockSettings from(ResourceLockOptions options) {
    List<String> problems = new ArrayList<>();
    Optional<Path> kubeconfig = options.setting(KUBECONFIG).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of);
    kubeconfig.ifPresent(p -> {
      if (!Files.isReadable(p)) {
        problems.add(KUBECONFIG + " '" + p + "' is not a readable file");
      }
    });
    Optional<String> context = options.setting(CONTEXT).map(String::trim).filter(s -> !s.isEmpty());
    Map<String, String> labels = new LinkedHashMap<>();
    options.setting(LABELS).map(String::trim).filter(s -> !s.isEmpty()).ifPresent(raw -> {
      for (String pair : raw.split(",")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
        String value = eq < 0 ? "" : pair.substring(eq + 1).trim();
        if (eq < 0 || !LABEL_KEY.matcher(key).matches() || !LABEL_VALUE.matcher(value).matches()) {
          problems.add(LABELS + " entry '" + pair.trim() + "' must be key=value with a valid Kubernetes label key and value");
        } else {
          labels.put(key, value);
        }
      }
    });
    String events = options.setting(EVENTS).map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse("false");
    if (!events.equals("true") && !events.equals("false")) {
      problems.add(EVENTS + " '" + events + "' must be true or false");
    }
    String format = options.setting(CONFIGMAP_FORMAT).map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse("client-go");
    Optional<ConfigMapLock.Format> configmapFormat = ConfigMapLock.Format.fromSettingValue(format);
    if (configmapFormat.isEmpty()) {
      problems.add(CONFIGMAP_FORMAT + " '" + format + "' must be client-go or fabric8");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid Kubernetes lock settings: " + String.join("; ", problems));
    }
    return new KubernetesLockSettings(kubeconfig, context, labels, events.equals("true"), options.clientTimeout(),
        configmapFormat.get());
  }
}
