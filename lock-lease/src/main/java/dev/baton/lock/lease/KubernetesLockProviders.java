package dev.baton.lock.lease;

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
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/** The providers of {@code leases} and {@code configmaps}, and the client they build. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
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
        Optional<String> missing = missingConfiguration(System::getenv, Path.of(System.getProperty("user.home", "/")));
        if (missing.isPresent()) {
          throw new LockException(lockDescription, missing.get(), null);
        }
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

  /**
   * Why fabric8's own resolution would find no cluster: not in a pod (no service host, or no
   * service-account token) and no kubeconfig where kubectl looks ({@code $KUBECONFIG}, else
   * {@code ~/.kube/config}). fabric8 would otherwise go on with a default of localhost and fail each
   * call with an unhelpful message.
   *
   * @param environment the process environment
   * @param home the user's home directory
   * @return the problem, naming where it looked, or empty when a configuration is there
   */
  static Optional<String> missingConfiguration(java.util.function.Function<String, String> environment, Path home) {
    boolean inPod = environment.apply("KUBERNETES_SERVICE_HOST") != null
        && Files.exists(Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH));
    if (inPod) {
      return Optional.empty();
    }
    String kubeconfigVariable = environment.apply("KUBECONFIG");
    java.util.List<Path> looked = new java.util.ArrayList<>();
    if (kubeconfigVariable != null && !kubeconfigVariable.isBlank()) {
      for (String part : kubeconfigVariable.split(java.io.File.pathSeparator)) {
        if (!part.isBlank()) {
          looked.add(Path.of(part.trim()));
        }
      }
    } else {
      looked.add(home.resolve(".kube").resolve("config"));
    }
    if (looked.stream().anyMatch(Files::isRegularFile)) {
      return Optional.empty();
    }
    return Optional.of("no Kubernetes configuration found: not running in a pod (KUBERNETES_SERVICE_HOST "
        + (environment.apply("KUBERNETES_SERVICE_HOST") == null ? "is not set" : "is set, but there is no service-account token at "
            + Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH)
        + ") and no kubeconfig at " + looked.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", "))
        + "; give one with the setting " + KubernetesLockSettings.KUBECONFIG + " (baton: --kubeconfig) or KUBECONFIG");
  }

  /**
   * The namespace kubectl would use: the current (or the settings') kubeconfig context's namespace, the
   * pod's own namespace in a cluster, else {@code default}. For programs that let users leave the
   * lock's namespace out.
   *
   * @param options the lock options (kubeconfig and context settings)
   * @return the namespace
   */
  public static String defaultNamespace(dev.baton.leaderelection.resourcelock.ResourceLockOptions options) {
    try {
      KubernetesLockSettings settings = KubernetesLockSettings.from(options);
      Config config;
      if (settings.kubeconfig().isPresent()) {
        config = Config.fromKubeconfig(settings.context().orElse(null),
            Files.readString(settings.kubeconfig().get(), StandardCharsets.UTF_8), settings.kubeconfig().get().toString());
      } else if (missingConfiguration(System::getenv, Path.of(System.getProperty("user.home", "/"))).isPresent()) {
        return "default";
      } else {
        config = Config.autoConfigure(settings.context().orElse(null));
      }
      String namespace = config.getNamespace();
      return namespace == null || namespace.isBlank() ? "default" : namespace;
    } catch (IOException | RuntimeException e) {
      return "default";
    }
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
        ResourceLockConfig config, KubernetesLockSettings settings);
  }

  /** Builds a lock from a request: settings, the client (given or owned), the event recorder. */
  private static ResourceLock create(ResourceLockRequest request, LockFactory factory) throws LockException {
    KubernetesLockSettings settings = KubernetesLockSettings.from(request.options());
    boolean owns = request.client(KubernetesClient.class).isEmpty();
    KubernetesClient client = client(request, settings);
    try {
      return factory.create(client, owns, request.namespace(), request.name(), config(request, settings, client),
          settings);
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
      return KubernetesLockProviders.create(request, (client, owns, namespace, name, config, settings) ->
          new LeaseLock(client, owns, namespace, name, config, settings.labels()));
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
      return KubernetesLockProviders.create(request, (client, owns, namespace, name, config, settings) ->
          new ConfigMapLock(client, owns, namespace, name, config, settings.labels(), settings.configmapFormat()));
    }

    @Override
    public Optional<Set<String>> settingKeys(ResourceLockRequest request) {
      return Optional.of(KubernetesLockSettings.KEYS);
    }
  }
}
