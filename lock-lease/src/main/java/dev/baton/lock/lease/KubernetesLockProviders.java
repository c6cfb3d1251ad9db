package dev.baton.lock.lease;

import java.util.Set;
import com.google.auto.service.AutoService;
import dev.baton.leaderelection.resourcelock.EventRecorder;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockProvider;
import dev.baton.leaderelection.resourcelock.ResourceLockRequest;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;

/** The providers of {@code leases} and {@code configmaps}, and the client they build. */
public final class KubernetesLockProviders {
  private KubernetesLockProviders() {
  }

  /**
   * Builds a fabric8 client as fabric8 resolves its configuration (in-cluster, then kubeconfig), or
   * from the given kubeconfig file and context, with request and connection timeouts of the
   * settings' timeout and no request retries beyond it.
   *
   * @param settings the settings
   * @param lockDescription for error messages
   * @return the client; the caller closes it
   * @throws LockException when the kubeconfig cannot be read
   */
  public static KubernetesClient newClient(KubernetesLockSettings settings, String lockDescription) throws LockException {
    Config base;
    try {
      if (settings.kubeconfig().isPresent()) {
        String contents = Files.readString(settings.kubeconfig().get(), StandardCharsets.UTF_8);
        base = Config.fromKubeconfig(settings.context().orElse(null), contents, settings.kubeconfig().get().toString());
      } else {
        base = Config.autoConfigure(settings.context().orElse(null));
      }
    } catch (IOException | RuntimeException e) {
      throw new LockException(lockDescription, "cannot read the Kubernetes configuration"
          + settings.kubeconfig().map(p -> " from " + p).orElse("") + ": " + e.getMessage(), e);
    }
    int millis = (int) settings.timeout().toMillis();
    Config config = new ConfigBuilder(base)
        .withRequestTimeout(millis)
        .withConnectionTimeout(millis)
        .withRequestRetryBackoffLimit(0)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The client from the options, or a new one the lock will own. */
  private static KubernetesClient client(ResourceLockRequest request, KubernetesLockSettings settings) throws LockException {
    Optional<KubernetesClient> given = request.client(KubernetesClient.class);
    return given.isPresent() ? given.get() : newClient(settings, request.toString());
  }

  private static ResourceLockConfig config(ResourceLockRequest request, KubernetesLockSettings settings,
      KubernetesClient client) {
    ResourceLockConfig config = request.config();
    if (settings.events() && config.eventRecorder() == EventRecorder.NONE) {
      return new ResourceLockConfig(config.identity(), new KubernetesEventRecorder(client, config.identity()));
    }
    return config;
  }

  /** Makes one kind of lock on a client. */
  @FunctionalInterface
  private interface LockFactory {
    ResourceLock create(KubernetesClient client, boolean ownsClient, String namespace, String name,
        ResourceLockConfig config, java.util.Map<String, String> labels);
  }

  /** Builds a lock from a request: settings, the client (given or owned), the event recorder. */
  private static ResourceLock create(ResourceLockRequest request, LockFactory factory) throws LockException {
    KubernetesLockSettings settings = KubernetesLockSettings.from(request.options());
    boolean owns = request.client(KubernetesClient.class).isEmpty();
    KubernetesClient client = client(request, settings);
    try {
      return factory.create(client, owns, request.namespace(), request.name(), config(request, settings, client),
          settings.labels());
    } catch (RuntimeException e) {
      if (owns) {
        client.close();
      }
      throw e;
    }
  }

  /** Serves {@code leases}: {@link LeaseLock}. */
  @AutoService(ResourceLockProvider.class)
  public static final class LeaseLockProvider implements ResourceLockProvider {
    @Override
    public String lockType() {
      return ResourceLocks.LEASES;
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) throws LockException {
      return KubernetesLockProviders.create(request, LeaseLock::new);
    }

    @Override
    public Optional<Set<String>> settingKeys(ResourceLockRequest request) {
      return Optional.of(KubernetesLockSettings.KEYS);
    }
  }

  /** Serves {@code configmaps}: {@link ConfigMapLock}. */
  @AutoService(ResourceLockProvider.class)
  public static final class ConfigMapLockProvider implements ResourceLockProvider {
    @Override
    public String lockType() {
      return ResourceLocks.CONFIGMAPS;
    }

    @Override
    public ResourceLock create(ResourceLockRequest request) throws LockException {
      return KubernetesLockProviders.create(request, ConfigMapLock::new);
    }

    @Override
    public Optional<Set<String>> settingKeys(ResourceLockRequest request) {
      return Optional.of(KubernetesLockSettings.KEYS);
    }
  }
}
