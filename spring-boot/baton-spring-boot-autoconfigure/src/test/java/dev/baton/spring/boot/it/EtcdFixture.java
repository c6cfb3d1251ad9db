package dev.baton.spring.boot.it;

import dev.baton.testkit.fixture.Binaries;
import dev.baton.testkit.fixture.FreePorts;
import dev.baton.testkit.fixture.MissingServer;
import dev.baton.testkit.fixture.Readiness;
import dev.baton.testkit.fixture.ServerProcess;
import dev.baton.testsupport.Docker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An etcd for these tests, as lock-etcd's fixture finds one: the cluster named by
 * {@code BATON_ETCD_ENDPOINTS}; else etcd in a container when a Docker engine is available; else one
 * member of the {@code etcd} binary (Debian's {@code etcd-server}) on free loopback ports. Without
 * any, the test fails with instructions when {@code CI=true} and is skipped otherwise.
 */
public final class EtcdFixture implements AutoCloseable {
  static final String HOW_TO_GET = "install Debian's etcd-server (apt-get install etcd-server; ./scripts/test.sh does it), "
      + "or point BATON_ETCD_ENDPOINTS at an etcd 3.4+ cluster";
  static final String ETCD_IMAGE = "quay.io/coreos/etcd:v3.5.17";

  private final String endpoints;
  private final AutoCloseable server;

  private EtcdFixture(String endpoints, AutoCloseable server) {
    this.endpoints = endpoints;
    this.server = server;
  }

  /** Starts or finds etcd, and makes one call on a client so that gRPC's classes are loaded before the test. */
  public static EtcdFixture start() {
    EtcdFixture fixture = find();
    try (io.etcd.jetcd.Client client = io.etcd.jetcd.Client.builder().endpoints(fixture.endpoints.split(",")).build()) {
      client.getKVClient().get(io.etcd.jetcd.ByteSequence.from("/warm-up", java.nio.charset.StandardCharsets.UTF_8))
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      try {
        fixture.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new IllegalStateException("etcd at " + fixture.endpoints + " did not answer: " + e, e);
    }
    return fixture;
  }

  private static EtcdFixture find() {
    String external = System.getenv("BATON_ETCD_ENDPOINTS");
    if (external != null && !external.isBlank()) {
      return new EtcdFixture(external, () -> { });
    }
    if (Docker.isAvailable()) {
      @SuppressWarnings("resource")
      org.testcontainers.containers.GenericContainer<?> etcd =
          new org.testcontainers.containers.GenericContainer<>(org.testcontainers.utility.DockerImageName.parse(ETCD_IMAGE))
              .withCommand("etcd", "--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls",
                  "http://0.0.0.0:2379")
              .withExposedPorts(2379)
              .waitingFor(org.testcontainers.containers.wait.strategy.Wait.forHttp("/health").forPort(2379));
      etcd.start();
      return new EtcdFixture("http://" + etcd.getHost() + ":" + etcd.getMappedPort(2379), etcd::stop);
    }
    Path binary = Binaries.find("etcd").orElseGet(() -> MissingServer.unavailable("an etcd server", HOW_TO_GET));
    List<Integer> ports = FreePorts.allocate(2);
    int clientPort = ports.get(0);
    int peerPort = ports.get(1);
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("etcd-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create an etcd data directory: " + e, e);
    }
    ServerProcess member = ServerProcess.builder("etcd")
        .command(binary.toString(),
            "--name", "m0",
            "--data-dir", dataDir.resolve("m0").toString(),
            "--listen-client-urls", "http://127.0.0.1:" + clientPort,
            "--advertise-client-urls", "http://127.0.0.1:" + clientPort,
            "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
            "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
            "--initial-cluster", "m0=http://127.0.0.1:" + peerPort,
            "--initial-cluster-state", "new",
            "--heartbeat-interval", "10",
            "--election-timeout", "50",
            "--log-level", "error")
        .readiness(Readiness.httpBody("http://127.0.0.1:" + clientPort + "/health", b -> b.contains("\"true\"")))
        .build();
    member.start();
    return new EtcdFixture("http://127.0.0.1:" + clientPort, member::stop);
  }

  /** The client URLs, comma-separated. */
  public String endpoints() {
    return endpoints;
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
