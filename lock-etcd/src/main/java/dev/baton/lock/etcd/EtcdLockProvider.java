package dev.baton.lock.etcd;

import com.google.auto.service.AutoService;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockProvider;
import dev.baton.leaderelection.resourcelock.ResourceLockRequest;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.apiguardian.api.API;

/**
 * Serves lock type {@code etcd}. With a ready-made {@link Client} in the options the lock uses it
 * and leaves it open; otherwise it builds a client from the settings ({@link EtcdLockSettings}) and
 * closes it with the lock. Every call is bounded by the options' client timeout.
 */
@AutoService(ResourceLockProvider.class)
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class EtcdLockProvider implements ResourceLockProvider {

  @Override
  public String lockType() {
    return ResourceLocks.ETCD;
  }

  @Override
  public Optional<Set<String>> settingKeys(ResourceLockRequest request) {
    return Optional.of(EtcdLockSettings.KEYS);
  }

  @Override
  public ResourceLock create(ResourceLockRequest request) throws LockException {
    Optional<Client> given = request.client(Client.class);
    EtcdLockSettings settings = EtcdLockSettings.from(request.options(), given.isEmpty());
    if (given.isPresent()) {
      return new EtcdLock(given.get(), false, settings.prefix(), request.namespace(), request.name(), request.config(),
          settings.timeout(), "the given client");
    }
    EtcdLock.key(settings.prefix(), request.namespace(), request.name()); // checks the names before a client exists
    Client client = newClient(settings, request.toString());
    return new EtcdLock(client, true, settings.prefix(), request.namespace(), request.name(), request.config(),
        settings.timeout(), settings.endpointList());
  }

  /**
   * Builds a jetcd client from settings: endpoints, TLS, user and password, and retries and
   * connection attempts bounded by the settings' timeout.
   *
   * @param settings the settings
   * @param lockDescription for error messages
   * @return the client; the caller closes it
   * @throws LockException when the TLS files cannot be read
   */
  public static Client newClient(EtcdLockSettings settings, String lockDescription) throws LockException {
    ClientBuilder b = Client.builder()
        .endpoints(settings.endpoints().toArray(java.net.URI[]::new))
        .connectTimeout(settings.timeout())
        .retryMaxDuration(settings.timeout())
        .retryChronoUnit(ChronoUnit.MILLIS)
        .retryDelay(50)
        .retryMaxDelay(Math.max(100, settings.timeout().toMillis() / 4));
    settings.user().ifPresent(u -> b.user(ByteSequence.from(u, StandardCharsets.UTF_8)));
    settings.password().ifPresent(p -> b.password(ByteSequence.from(p, StandardCharsets.UTF_8)));
    if (settings.tls()) {
      try {
        b.sslContext(ssl -> {
          settings.caFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
          if (settings.certFile().isPresent() && settings.keyFile().isPresent()) {
            ssl.keyManager(settings.certFile().get().toFile(), settings.keyFile().get().toFile());
          }
        });
      } catch (SSLException | RuntimeException e) {
        throw new LockException(lockDescription, "cannot set up TLS for etcd at " + settings.endpointList() + ": "
            + e.getMessage() + "; check etcd.tls.ca, etcd.tls.cert and etcd.tls.key (PEM, key in PKCS#8)", e);
      }
    }
    return b.build();
  }
}
