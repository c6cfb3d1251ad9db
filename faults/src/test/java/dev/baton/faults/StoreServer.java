package dev.baton.faults;

import dev.baton.testkit.fixture.Binaries;
import dev.baton.testkit.fixture.FreePorts;
import dev.baton.testkit.fixture.MissingServer;
import dev.baton.testkit.fixture.Readiness;
import dev.baton.testkit.fixture.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The coordination store of a fault run, always a child process of the test JVM on loopback: the
 * test freezes it with SIGSTOP, so an external cluster or a container will not do. etcd is Debian's
 * {@code etcd} binary (missing: the test fails with instructions under {@code CI=true}, is skipped
 * otherwise); ZooKeeper is the server of the ZooKeeper jar on the test class path, in its own JVM.
 */
final class StoreServer implements AutoCloseable {
  static final String ETCD_HOW_TO_GET = "install Debian's etcd-server (apt-get install etcd-server; ./scripts/test.sh "
      + "does it). The fault test needs the binary: it freezes the server process with SIGSTOP";

  private final String backend;
  private final ServerProcess process;
  private final int port;

  private StoreServer(String backend, ServerProcess process, int port) {
    this.backend = backend;
    this.process = process;
    this.port = port;
  }

  /** Starts the store for a backend ({@code etcd} or {@code zookeeper}) with its data under {@code dir}. */
  static StoreServer start(String backend, Path dir) {
    return switch (backend) {
      case "etcd" -> etcd(dir);
      case "zookeeper" -> zooKeeper(dir);
      default -> throw new IllegalArgumentException("unknown backend " + backend);
    };
  }

  /** A single etcd member with fast raft timing (ready in about 50 ms). */
  static StoreServer etcd(Path dir) {
    Path etcd = Binaries.find("etcd").orElseGet(() -> MissingServer.unavailable("etcd binary", ETCD_HOW_TO_GET));
    List<Integer> ports = FreePorts.allocate(2);
    int client = ports.get(0);
    int peer = ports.get(1);
    ServerProcess process = ServerProcess.builder("faults-etcd")
        .command(etcd.toString(),
            "--name", "faults",
            "--data-dir", dir.resolve("etcd-data").toString(),
            "--listen-client-urls", "http://127.0.0.1:" + client,
            "--advertise-client-urls", "http://127.0.0.1:" + client,
            "--listen-peer-urls", "http://127.0.0.1:" + peer,
            "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
            "--initial-cluster", "faults=http://127.0.0.1:" + peer,
            "--initial-cluster-state", "new",
            "--heartbeat-interval", "10",
            "--election-timeout", "50",
            "--log-level", "error")
        .readiness(Readiness.httpBody("http://127.0.0.1:" + client + "/health", b -> b.contains("\"true\"")))
        .stopGracePeriod(Duration.ofSeconds(2))
        .build()
        .start();
    return new StoreServer("etcd", process, client);
  }

  /** A standalone ZooKeeper server on 127.0.0.1 with its admin server off, in a JVM of its own. */
  static StoreServer zooKeeper(Path dir) {
    int client = FreePorts.one();
    Path config = dir.resolve("zoo.cfg");
    try {
      Files.createDirectories(dir.resolve("zookeeper-data"));
      Files.writeString(config, String.join("\n",
          "tickTime=2000",
          "dataDir=" + dir.resolve("zookeeper-data"),
          "clientPort=" + client,
          "clientPortAddress=127.0.0.1",
          "admin.enableServer=false",
          "maxClientCnxns=0",
          ""));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + config, e);
    }
    ServerProcess process = ServerProcess.builder("faults-zookeeper")
        .command(JavaCommand.java(), JavaCommand.arguments(ZooKeeperServerLauncher.class, config.toString())
            .toArray(String[]::new))
        .readiness(Readiness.tcpPort(client))
        .stopGracePeriod(Duration.ofSeconds(2))
        .build()
        .start();
    return new StoreServer("zookeeper", process, client);
  }

  /** {@code etcd} or {@code zookeeper}. */
  String backend() {
    return backend;
  }

  /** The client port on 127.0.0.1. */
  int port() {
    return port;
  }

  /** The server's process id, for SIGSTOP and SIGCONT. */
  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      Signals.resume(process.pid()); // a frozen server would only take SIGTERM after its grace period
    }
    process.stop();
  }

  @Override
  public String toString() {
    return backend + " on 127.0.0.1:" + port + " (pid " + (process.isAlive() ? process.pid() : "-") + ")";
  }
}
