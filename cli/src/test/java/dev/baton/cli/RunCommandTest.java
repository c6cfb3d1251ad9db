package dev.baton.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import dev.baton.testkit.fixture.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code baton run} in this JVM on the JDBC lock of the machine's PostgreSQL (a store other processes
 * share, as {@code run} requires): how a run ends, and its exit status.
 */
class RunCommandTest {
  /** {@code baton run} on the lock {@code cli/NAME} in {@code db} with short durations, running {@code command}. */
  private static String[] args(PostgresTable db, String name, String... command) {
    List<String> args = new ArrayList<>(List.of("run"));
    args.addAll(db.flags(name));
    args.addAll(List.of("--identity", "runner", "--lease-duration", "2s", "--renew-deadline", "1s", "--retry-period",
        "200ms", "--grace-period", "500ms", "--"));
    args.addAll(List.of(command));
    return args.toArray(String[]::new);
  }

  @Test
  @DisplayName("The command's environment loses every secret variable of baton's and gains the term's identity, token and lock")
  void commandEnvironment() {
    java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("PATH", "/bin",
        "BATON_ETCD_PASSWORD", "p", "BATON_ZOOKEEPER_DIGEST", "u:p", "BATON_JDBC_PASSWORD", "d", "BATON_ETCD_USER", "root"));
    RunCommand.commandEnvironment(env, "runner", 42, "ns/name");
    assertEquals(java.util.Map.of("PATH", "/bin", "BATON_ETCD_USER", "root", "BATON_IDENTITY", "runner",
        "BATON_FENCING_TOKEN", "42", "BATON_LOCK", "ns/name"), env);
    assertEquals(List.of("BATON_ETCD_PASSWORD", "BATON_ZOOKEEPER_DIGEST", "BATON_JDBC_PASSWORD"), LockOptions.SECRET_ENVIRONMENT);
  }

  @Test
  @DisplayName("When the command exits on its own, run releases the lock and exits with the command's status")
  void commandExits() throws Exception {
    try (PostgresTable db = PostgresTable.create()) {
      String name = "exits-" + UUID.randomUUID();
      int code = Main.run(args(db, name, "sh", "-c", "exit 7"));
      assertEquals(7, code);
      assertEquals("", db.lock(name, "observer").get().record().holderIdentity(), "the lock must be released");
    }
  }

  @Test
  @DisplayName("When leadership is lost, run stops the command (KILL after the grace period if TERM is ignored) and exits 3")
  void leadershipLost() throws Exception {
    try (PostgresTable db = PostgresTable.create()) {
      String name = "lost-" + UUID.randomUUID();
      CompletableFuture<Integer> run = CompletableFuture.supplyAsync(
          () -> Main.run(args(db, name, "sh", "-c", "trap '' TERM; while true; do sleep 0.1; done")));
      ResourceLock thief = db.lock(name, "thief");
      Await.until(() -> {
        try {
          return thief.get().record().holderIdentity().equals("runner");
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(10), "runner never led");
      long stolenAt = steal(thief);
      int code = run.get(20, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - stolenAt);
      assertEquals(ExitCodes.LEADERSHIP_LOST, code);
      assertTrue(took.compareTo(Duration.ofMillis(500)) >= 0, "the command ignores TERM, so KILL comes after the grace period; took " + took);
      assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
      assertEquals("thief", db.lock(name, "observer").get().record().holderIdentity(),
          "a lost leader must not release the thief's record");
    }
  }

  /**
   * Writes a record naming the thief over the runner's, as a compare-and-set client does: read, write
   * against what was read, read again when the runner renewed in between.
   *
   * @return when the successful write started ({@link System#nanoTime()})
   */
  private static long steal(ResourceLock thief) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      thief.get();
      Instant now = Instant.now();
      long writing = System.nanoTime();
      try {
        thief.update(LeaderElectionRecord.of("thief", 15, now, now, 5));
        return writing;
      } catch (UpdateConflictException renewedMeanwhile) {
        if (System.nanoTime() - deadline > 0) {
          throw renewedMeanwhile;
        }
      }
    }
  }
}
