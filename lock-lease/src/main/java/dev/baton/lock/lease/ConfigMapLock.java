package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.CorruptRecordException;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The ConfigMap lock (type {@code configmaps}): the record as JSON in the annotation
 * {@value ResourceLocks#LEADER_ELECTION_RECORD_ANNOTATION_KEY}, as client-go's old ConfigMap lock
 * kept it; for migrating elections to Leases (see the MultiLock).
 *
 * <p>The raw bytes are the annotation's bytes, as in client-go. It reads two forms: client-go's, and
 * the one fabric8's own {@code ConfigMapLock} writes, which stores {@code leaseDuration} as a Java
 * duration ({@code "PT15S"}) instead of {@code leaseDurationSeconds} and times with six fractional
 * digits ({@link Fabric8Records}). It writes back in the form it found: {@link #update} keeps the form
 * of the annotation it compares against, so candidates of client-go, fabric8 and Baton can share one
 * ConfigMap, and a rollback from Baton to fabric8 works. Only a new ConfigMap (or one without the
 * annotation) gets the lock's {@link Format} (client-go's unless chosen otherwise). A ConfigMap
 * without the annotation reads as a record with zero values; an annotation that is neither form is a
 * corrupt record, and is never overwritten.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class ConfigMapLock extends KubernetesObjectLock<ConfigMap> {

  /** The form of the record in the annotation. */
  public enum Format {
    /** client-go's JSON: {@code leaseDurationSeconds}, RFC 3339 times at whole seconds. */
    CLIENT_GO("client-go"),
    /**
     * fabric8's JSON: {@code leaseDuration} as a Java duration, UTC times with six fractional digits,
     * no {@code strategy} nor {@code preferredHolder}; fabric8's {@code ConfigMapLock} reads it.
     */
    FABRIC8("fabric8");

    private final String settingValue;

    Format(String settingValue) {
      this.settingValue = settingValue;
    }

    /**
     * The value of the setting {@link KubernetesLockSettings#CONFIGMAP_FORMAT} that chooses this form.
     *
     * @return {@code client-go} or {@code fabric8}
     */
    public String settingValue() {
      return settingValue;
    }

    /**
     * The form a setting value names.
     *
     * @param value {@code client-go} or {@code fabric8}
     * @return the form, or empty when the value names none
     */
    public static java.util.Optional<Format> fromSettingValue(String value) {
      for (Format f : values()) {
        if (f.settingValue.equals(value)) {
          return java.util.Optional.of(f);
        }
      }
      return java.util.Optional.empty();
    }

    byte[] encode(LeaderElectionRecord record) {
      return this == FABRIC8 ? Fabric8Records.encode(record) : LeaderElectionRecordCodec.encode(record);
    }
  }

  private final Format newFormat;

  /**
   * A lock on a client the caller owns and closes.
   *
   * @param client the fabric8 client
   * @param namespace the ConfigMap's namespace
   * @param name the ConfigMap's name
   * @param config the candidate's identity and event recorder
   * @param labels labels to put on the ConfigMap on create and update
   * @throws IllegalArgumentException when the namespace or name is not valid in Kubernetes
   */
  public ConfigMapLock(KubernetesClient client, String namespace, String name, ResourceLockConfig config,
      Map<String, String> labels) {
    this(client, false, namespace, name, config, labels, Format.CLIENT_GO);
  }

  /**
   * A lock on a client the caller owns and closes, writing a new record in {@code newFormat}.
   *
   * @param client the fabric8 client
   * @param namespace the ConfigMap's namespace
   * @param name the ConfigMap's name
   * @param config the candidate's identity and event recorder
   * @param labels labels to put on the ConfigMap on create and update
   * @param newFormat the form of the record written by {@link #create}, or by {@link #update} on a
   *     ConfigMap without the annotation; an existing annotation keeps its own form
   * @throws IllegalArgumentException when the namespace or name is not valid in Kubernetes
   */
  public ConfigMapLock(KubernetesClient client, String namespace, String name, ResourceLockConfig config,
      Map<String, String> labels, Format newFormat) {
    this(client, false, namespace, name, config, labels, newFormat);
  }

  ConfigMapLock(KubernetesClient client, boolean ownsClient, String namespace, String name, ResourceLockConfig config,
      Map<String, String> labels, Format newFormat) {
    super(ConfigMap.class, "ConfigMap", client, ownsClient, namespace, name, config, labels);
    this.newFormat = java.util.Objects.requireNonNull(newFormat, "newFormat");
  }

  /**
   * The form of the record this lock writes into a new ConfigMap.
   *
   * @return the form chosen when the lock was made
   */
  public Format newFormat() {
    return newFormat;
  }

  /**
   * The form of a stored annotation.
   *
   * @param annotation the annotation's value, or {@code null} when there is none
   * @return its form, or empty when there is no annotation or it is neither form
   */
  static java.util.Optional<Format> formatOf(String annotation) {
    if (annotation == null) {
      return java.util.Optional.empty();
    }
    byte[] raw = annotation.getBytes(StandardCharsets.UTF_8);
    try {
      LeaderElectionRecordCodec.decode(raw, "");
      return java.util.Optional.of(Format.CLIENT_GO);
    } catch (CorruptRecordException notClientGo) {
      return Fabric8Records.decode(raw).isPresent() ? java.util.Optional.of(Format.FABRIC8) : java.util.Optional.empty();
    }
  }

  @Override
  ObservedRecord read(ConfigMap configMap) throws CorruptRecordException {
    Map<String, String> annotations = configMap.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ResourceLocks.LEADER_ELECTION_RECORD_ANNOTATION_KEY);
    if (value == null) {
      // client-go unmarshals nothing into a zero record.
      return new ObservedRecord(new LeaderElectionRecord("", 0, null, null, 0, "", ""), new byte[0]);
    }
    byte[] raw = value.getBytes(StandardCharsets.UTF_8);
    try {
      return LeaderElectionRecordCodec.decode(raw, describe());
    } catch (CorruptRecordException notClientGo) {
      return Fabric8Records.decode(raw).map(r -> new ObservedRecord(r, raw)).orElseThrow(() -> notClientGo);
    }
  }

  @Override
  ConfigMap newObject(LeaderElectionRecord record) {
    return new ConfigMapBuilder()
        .withNewMetadata().withNamespace(namespace()).withName(name()).withLabels(labels.isEmpty() ? null : labels)
        .withAnnotations(Map.of(ResourceLocks.LEADER_ELECTION_RECORD_ANNOTATION_KEY, annotation(newFormat, record)))
        .endMetadata()
        .build();
  }

  @Override
  ConfigMap withRecord(ConfigMap current, LeaderElectionRecord record) {
    Map<String, String> annotations = new LinkedHashMap<>(
        current.getMetadata().getAnnotations() == null ? Map.of() : current.getMetadata().getAnnotations());
    // Write back in the form found, so that whoever wrote it (fabric8's elector after a rollback,
    // too) can read it; only a ConfigMap without the annotation gets this lock's own form.
    Format format = formatOf(annotations.get(ResourceLocks.LEADER_ELECTION_RECORD_ANNOTATION_KEY)).orElse(newFormat);
    annotations.put(ResourceLocks.LEADER_ELECTION_RECORD_ANNOTATION_KEY, annotation(format, record));
    current.getMetadata().setAnnotations(annotations);
    return current;
  }

  private static String annotation(Format format, LeaderElectionRecord record) {
    return new String(format.encode(record), StandardCharsets.UTF_8);
  }
}
