package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventRecorder} that writes {@code events.k8s.io/v1} Events about the lock object, as
 * client-go's recorder does ({@code reportingController} is {@code baton}). Like client-go's, it
 * returns at once: the Event is written in the background by one writer thread for the JVM
 * ({@code baton-events}), and while 1,000 Events wait for a slow API server further ones are
 * dropped, with a warning. Never throws: a failed write is logged.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class KubernetesEventRecorder implements EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesEventRecorder.class);
  private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX");

  private final KubernetesClient client;
  private final String reportingInstance;

  /**
   * @param client where the Events are written
   * @param reportingInstance who reports them, such as the candidate's identity
   */
  public KubernetesEventRecorder(KubernetesClient client, String reportingInstance) {
    this.client = Objects.requireNonNull(client, "client");
    this.reportingInstance = Objects.requireNonNull(reportingInstance, "reportingInstance");
  }

  @Override
  public void eventf(Object obj, String eventType, String reason, String messageFmt, Object... args) {
    if (!(obj instanceof HasMetadata subject) || subject.getMetadata() == null) {
      LOG.debug("not recording event about {}: not a Kubernetes object", obj);
      return;
    }
    try {
      String namespace = subject.getMetadata().getNamespace();
      Event event = new EventBuilder()
          .withNewMetadata().withGenerateName(subject.getMetadata().getName() + ".").withNamespace(namespace).endMetadata()
          .withEventTime(new MicroTime(MICRO_TIME.format(ZonedDateTime.now(ZoneOffset.UTC))))
          .withType(eventType)
          .withReason(reason)
          .withAction(reason)
          .withNote(String.format(messageFmt, args))
          .withReportingController("baton")
          .withReportingInstance(reportingInstance)
          .withRegarding(new ObjectReferenceBuilder()
              .withApiVersion(subject.getApiVersion()).withKind(subject.getKind())
              .withNamespace(namespace).withName(subject.getMetadata().getName())
              .withUid(subject.getMetadata().getUid()).withResourceVersion(subject.getMetadata().getResourceVersion())
              .build())
          .build();
      EventSink.shared().post(client, event, "'" + reason + "' about " + subject.getMetadata().getName());
    } catch (RuntimeException e) {
      LOG.warn("could not record event '{}' about {}: {}", reason, subject.getMetadata().getName(), e.toString());
    }
  }
}
