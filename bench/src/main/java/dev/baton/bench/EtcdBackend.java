package dev.baton.bench;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.etcd.EtcdLock;
import dev.baton.lock.etcd.EtcdLockSettings;
import dev.baton.testkit.fixture.Binaries;
import dev.baton.testkit.fixture.FreePorts;
import dev.baton.testkit.fixture.Readiness;
import dev.baton.testkit.fixture.ServerProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** One etcd member from the {@code etcd} binary on loopback; a client per candidate, shared by the scale run. */
final class EtcdBackend implements Backend {
  private final ServerProcess etcd;
  private final String endpoint;
  private final List<Client> clients = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, Client> byIdentity = new ConcurrentHashMap<>();
  private final Client shared;
  private final Duration timeout;

  EtcdBackend(Timings timings) throws Exception {
    Path binary = Binaries.find("etcd").orElseThrow(() -> new IllegalStateException(
        "the etcd binary is missing: apt-get install etcd-server"));
    List<Integer> ports = FreePorts.allocate(2);
    Path data = Files.createTempDirectory("bench-etcd");
    endpoint = "http://127.0.0.1:" + ports.get(0);
    etcd = ServerProcess.builder("bench-etcd").command(binary.toString(), "--name", "b", "--data-dir", data.toString(),
        "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
        "--listen-peer-urls", "http://127.0.0.1:" + ports.get(1),
        "--initial-advertise-peer-urls", "http://127.0.0.1:" + ports.get(1),
        "--initial-cluster", "b=http://127.0.0.1:" + ports.get(1), "--log-level", "error")
        .readiness(Readiness.httpBody(endpoint + "/health", b -> b.contains("\"true\"")))
        .build().start();
    timeout = ResourceLockOptions.clientTimeoutFor(timings.renew());
    shared = newClient();
  }

  private Client newClient() {
    Client c = Client.builder().endpoints(endpoint).build();
    clients.add(c);
    return c;
  }

  @Override
  public String name() {
    return "etcd";
  }

  @Override
  public ResourceLock newLock(String lockName, String identity) {
    Client client = lockName.startsWith("scale-") ? shared : byIdentity.computeIfAbsent(identity, i -> newClient());
    return new EtcdLock(client, EtcdLockSettings.DEFAULT_PREFIX, "bench", lockName, ResourceLockConfig.of(identity), timeout);
  }

  @Override
  public boolean watches() {
    return true;
  }

  @Override
  public RawStore rawStore() {
    Client client = newClient();
    return new RawStore() {
      private ByteSequence[] keys;
      private long[] revisions;

      @Override
      public void prepare(int count) throws Exception {
        keys = new ByteSequence[count];
        revisions = new long[count];
        for (int i = 0; i < count; i++) {
          keys[i] = ByteSequence.from("/bench-raw/k" + i, StandardCharsets.UTF_8);
          revisions[i] = client.getKVClient().put(keys[i], ByteSequence.from(VALUE)).get(10, TimeUnit.SECONDS)
              .getHeader().getRevision();
        }
      }

      @Override
      public void write(int key) throws Exception {
        TxnResponse r = client.getKVClient().txn()
            .If(new Cmp(keys[key], Cmp.Op.EQUAL, CmpTarget.modRevision(revisions[key])))
            .Then(Op.put(keys[key], ByteSequence.from(VALUE), PutOption.DEFAULT))
            .commit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!r.isSucceeded()) {
          throw new IllegalStateException("lost compare-and-set on " + keys[key]);
        }
        revisions[key] = r.getHeader().getRevision();
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  /** etcd's own gauges: watch streams and watchers open on the server, and this JVM's connections to it. */
  @Override
  public String openResources() {
    return Resources.etcdWatches(endpoint) + "; " + Resources.connectionsTo(endpoint);
  }

  /** The raw client and the key of a lock, for the JMH comparison. */
  Client client() {
    return shared;
  }

  @Override
  public void close() {
    clients.forEach(Client::close);
    etcd.stop();
  }
}
