package dev.baton.faults;

import java.io.IOException;
import org.apache.zookeeper.server.ZooKeeperServerMain;

/**
 * Runs a standalone ZooKeeper server ({@link ZooKeeperServerMain}) in a JVM of its own, so that the
 * test can freeze the server without freezing itself, and exits when its standard input closes, so
 * the server never outlives the test JVM.
 */
public final class ZooKeeperServerLauncher {

  private ZooKeeperServerLauncher() {
  }

  /**
   * Starts the server and waits for the end of standard input.
   *
   * @param args the path of a zoo.cfg
   * @throws IOException never in practice: reading stdin ends at its end
   */
  public static void main(String[] args) throws IOException {
    Thread server = new Thread(() -> ZooKeeperServerMain.main(args), "zookeeper-server");
    server.start();
    while (System.in.read() >= 0) {
      // the test writes nothing
    }
    System.exit(0);
  }
}
