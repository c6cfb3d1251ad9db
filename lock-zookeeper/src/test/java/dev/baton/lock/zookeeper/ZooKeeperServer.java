package dev.baton.lock.zookeeper;

import dev.baton.testkit.fixture.MissingServer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * A ZooKeeper for tests: the ensemble named by {@code BATON_ZOOKEEPER_CONNECT}; else, when a Docker
 * engine is available, ZooKeeper in a container (Testcontainers); else a real ZooKeeper server in
 * this JVM (Curator's {@code TestingServer}); if even that fails, {@link MissingServer} skips the test
 * (fails it with {@code CI=true}). Ensembles always use Curator's {@code TestingCluster}.
 */
final class ZooKeeperServer implements AutoCloseable {
  static final String ZOOKEEPER_IMAGE = "zookeeper:3.8";
  private final AutoCloseable server;
  private final String connect;
  private CuratorFramework client;

  private ZooKeeperServer(AutoCloseable server, String connect) {
    this.server = server;
    this.connect = connect;
  }

  static ZooKeeperServer start() {
    String external = System.getenv("BATON_ZOOKEEPER_CONNECT");
    if (external != null && !external.isBlank()) {
      return new ZooKeeperServer(null, external);
    }
    if (dev.baton.testsupport.Docker.isAvailable()) {
      @SuppressWarnings("resource")
      org.testcontainers.containers.GenericContainer<?> zk = new org.testcontainers.containers.GenericContainer<>(
          org.testcontainers.utility.DockerImageName.parse(ZOOKEEPER_IMAGE)).withExposedPorts(2181)
          .withEnv("ZOO_4LW_COMMANDS_WHITELIST", "*");
      zk.start();
      return new ZooKeeperServer(zk::stop, zk.getHost() + ":" + zk.getMappedPort(2181));
    }
    try {
      // The watch tests count the server's watches with the four-letter word wchs.
      System.setProperty("zookeeper.4lw.commands.whitelist", "*");
      TestingServer server = new TestingServer(true);
      return new ZooKeeperServer(server, "127.0.0.1:" + server.getPort());
    } catch (Exception e) {
      return MissingServer.unavailable("a ZooKeeper server (Curator's in-process TestingServer failed: " + e + ")",
          "set BATON_ZOOKEEPER_CONNECT=host:port, or make a Docker engine available to Testcontainers");
    }
  }

  String connect() {
    return connect;
  }

  /** The host of the first server of the ensemble, for a proxy in front of it. */
  String host() {
    String first = connect.split(",")[0].trim();
    return first.substring(0, first.lastIndexOf(':'));
  }

  /** The port of the first server of the ensemble. */
  int port() {
    String first = connect.split(",")[0].trim();
    return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
  }

  /** A started client for the tests' own reads and writes around every lock. */
  synchronized CuratorFramework client() {
    if (client == null) {
      client = CuratorFrameworkFactory.newClient(connect, 30_000, 5_000, new RetryOneTime(100));
      client.start();
      try {
        client.blockUntilConnected(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return client;
  }

  void put(String path, byte[] data) throws Exception {
    try {
      client().setData().forPath(path, data);
    } catch (KeeperException.NoNodeException e) {
      client().create().creatingParentsIfNeeded().forPath(path, data);
    }
  }

  Optional<byte[]> get(String path) throws Exception {
    try {
      return Optional.of(client().getData().storingStatIn(new Stat()).forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

  /**
   * The watches the first server holds, over all its connections: the {@code Total watches} of the
   * four-letter word {@code wchs}.
   *
   * @throws IllegalStateException when the server does not answer {@code wchs} (not whitelisted)
   */
  int watchCount() throws Exception {
    String answer = org.apache.zookeeper.client.FourLetterWordMain.send4LetterWord(host(), port(), "wchs");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("Total watches:(\\d+)").matcher(answer);
    if (!m.find()) {
      throw new IllegalStateException("the ZooKeeper server at " + connect + " did not count its watches (wchs): " + answer
          + "; whitelist wchs (4lw.commands.whitelist)");
    }
    return Integer.parseInt(m.group(1));
  }

  /**
   * The paths one session watches on the first server, from the four-letter word {@code wchc}.
   *
   * @param sessionId the session
   * @return its watched paths, sorted; empty when it watches none
   */
  java.util.List<String> watchedPaths(long sessionId) throws Exception {
    String answer = org.apache.zookeeper.client.FourLetterWordMain.send4LetterWord(host(), port(), "wchc");
    if (answer.contains("not in the whitelist") || answer.contains("not executed")) {
      throw new IllegalStateException("the ZooKeeper server at " + connect + " did not list its watches (wchc): " + answer);
    }
    java.util.List<String> paths = new java.util.ArrayList<>();
    boolean mine = false;
    for (String line : answer.split("\n")) {
      if (line.startsWith("0x")) {
        mine = Long.parseUnsignedLong(line.substring(2).trim(), 16) == sessionId;
      } else if (mine && !line.isBlank()) {
        paths.add(line.trim());
      }
    }
    java.util.Collections.sort(paths);
    return paths;
  }

  @Override
  public synchronized void close() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
