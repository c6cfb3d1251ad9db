package dev.baton.faults;

import org.apache.zookeeper.server.ZooKeeperServerMain;

/**
 * Runs a standalone ZooKeeper server ({@link ZooKeeperServerMain}) in a JVM of its own, so that the
 * test can freeze the server without freezing itself, and exits when the test JVM that started it
 * exits, so the server never outlives the test (the testkit's {@code ServerProcess} closes the
 * child's standard input at once, so end-of-input cannot be the signal here).
 */
public final class ZooKeeperServerLauncher {

  private ZooKeeperServerLauncher() {
  }

  /**
   * Starts the server and waits for the parent process to exit.
   *
   * @param args the path of a zoo.cfg
   */
  public static void main(String[] args) {
    Thread server = new Thread(() -> ZooKeeperServerMain.main(args), "zookeeper-server");
    server.setUncaughtExceptionHandler((thread, error) -> {
      error.printStackTrace();
      System.exit(1); // fail the start at once instead of at the readiness deadline
    });
    server.start();
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().join());
    System.exit(0);
  }
}
