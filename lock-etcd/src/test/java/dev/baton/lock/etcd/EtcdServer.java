package dev.baton.lock.etcd;

import dev.baton.testkit.fixture.Binaries;
import dev.baton.testkit.fixture.FreePorts;
import dev.baton.testkit.fixture.MissingServer;
import dev.baton.testkit.fixture.Readiness;
import dev.baton.testkit.fixture.ServerProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An etcd for tests: the cluster named by {@code BATON_ETCD_ENDPOINTS}; else, when a Docker engine
 * is available, etcd in a container (Testcontainers); else members of the {@code etcd}
 * binary (Debian's {@code etcd-server}) started on free loopback ports with fast raft timing. Fails
 * with instructions (skips outside CI) when none is there. Clusters, restarts and authentication
 * always use the binary.
 */
final class EtcdServer implements AutoCloseable {
  static final String HOW_TO_GET = "install Debian's etcd-server (apt-get install etcd-server; ./scripts/test.sh does it), "
      + "or point BATON_ETCD_ENDPOINTS at an etcd 3.4+ cluster";

  final List<ServerProcess> members = new ArrayList<>();
  final List<Integer> clientPorts = new ArrayList<>();
  private final String externalEndpoints;
  private Client client;

  private EtcdServer(String externalEndpoints) {
    this.externalEndpoints = externalEndpoints;
  }

  /** One member (or the external cluster). */
  static EtcdServer start() {
    String external = System.getenv("BATON_ETCD_ENDPOINTS");
    if (external != null && !external.isBlank()) {
      return new EtcdServer(external);
    }
    if (dev.baton.testsupport.Docker.isAvailable()) {
      return container();
    }
    return startCluster(1);
  }

  static final String ETCD_IMAGE = "quay.io/coreos/etcd:v3.5.17";
  private AutoCloseable container;

  /** etcd in a container (Testcontainers). */
  private static EtcdServer container() {
    @SuppressWarnings("resource")
    org.testcontainers.containers.GenericContainer<?> etcd =
        new org.testcontainers.containers.GenericContainer<>(org.testcontainers.utility.DockerImageName.parse(ETCD_IMAGE))
            .withCommand("etcd", "--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls",
                "http://0.0.0.0:2379")
            .withExposedPorts(2379)
            .waitingFor(org.testcontainers.containers.wait.strategy.Wait.forHttp("/health").forPort(2379));
    etcd.start();
    EtcdServer server = new EtcdServer("http://" + etcd.getHost() + ":" + etcd.getMappedPort(2379));
    server.container = etcd::stop;
    return server;
  }

  /** A local cluster of {@code size} members on loopback, always from the binary. */
  static EtcdServer startCluster(int size) {
    Path etcd = Binaries.find("etcd").orElseGet(() -> MissingServer.unavailable("an etcd server", HOW_TO_GET));
    EtcdServer server = new EtcdServer(null);
    List<Integer> ports = FreePorts.allocate(size * 2);
    StringBuilder initial = new StringBuilder();
    for (int i = 0; i < size; i++) {
      initial.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:").append(ports.get(size + i));
    }
    try {
      Path base = Files.createTempDirectory("etcd-");
      for (int i = 0; i < size; i++) {
        int clientPort = ports.get(i);
        int peerPort = ports.get(size + i);
        server.clientPorts.add(clientPort);
        server.members.add(ServerProcess.builder("etcd")
            .command(etcd.toString(),
                "--name", "m" + i,
                "--data-dir", base.resolve("m" + i).toString(),
                "--listen-client-urls", "http://127.0.0.1:" + clientPort,
                "--advertise-client-urls", "http://127.0.0.1:" + clientPort,
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-cluster", initial.toString(),
                "--initial-cluster-state", "new",
                "--heartbeat-interval", "10",
                "--election-timeout", "50",
                "--log-level", "error")
            .readiness(size == 1
                ? Readiness.httpBody("http://127.0.0.1:" + clientPort + "/health", b -> b.contains("\"true\""))
                : Readiness.tcpPort(clientPort))
            .build());
      }
      for (ServerProcess member : server.members) {
        member.start();
      }
      if (size > 1) {
        for (int port : server.clientPorts) {
          Readiness health = Readiness.httpBody("http://127.0.0.1:" + port + "/health", b -> b.contains("\"true\""));
          long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (!health.isReady()) {
            if (System.nanoTime() - deadline > 0) {
              throw new IllegalStateException("etcd cluster member on port " + port + " never became healthy");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
          }
        }
      }
    } catch (IOException e) {
      server.close();
      throw new IllegalStateException("cannot create etcd data directories: " + e, e);
    }
    return server;
  }

  /** The client URLs, comma-separated. */
  String endpoints() {
    if (externalEndpoints != null) {
      return externalEndpoints;
    }
    List<String> urls = new ArrayList<>();
    for (int port : clientPorts) {
      urls.add("http://127.0.0.1:" + port);
    }
    return String.join(",", urls);
  }

  /** A client for the tests' own reads and writes around every lock (no auth). */
  synchronized Client client() {
    if (client == null) {
      client = Client.builder().endpoints(endpoints().split(",")).build();
    }
    return client;
  }

  void put(String key, byte[] value) throws Exception {
    client().getKVClient().put(bytes(key), ByteSequence.from(value)).get(10, TimeUnit.SECONDS);
  }

  Optional<byte[]> get(String key) throws Exception {
    List<KeyValue> kvs = client().getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getKvs();
    return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0).getValue().getBytes());
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
    members.forEach(ServerProcess::stop);
    if (container != null) {
      try {
        container.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot stop the etcd container: " + e, e);
      }
    }
  }
}
