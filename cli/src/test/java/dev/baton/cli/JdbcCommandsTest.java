package dev.baton.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testkit.fixture.MissingServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton run} and {@code baton status} on the JDBC lock, against the PostgreSQL of the machine. */
class JdbcCommandsTest {
  private static final String URL = System.getenv().getOrDefault("BATON_JDBC_POSTGRES_URL",
      "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String USER = System.getenv().getOrDefault("BATON_JDBC_POSTGRES_USER", "postgres");

  @Test
  @DisplayName("run leads on a PostgreSQL row, hands the command its fencing token, releases; status then shows the release")
  void runAndStatus(@TempDir Path dir) throws Exception {
    try (Connection c = DriverManager.getConnection(URL, USER, "")) {
      c.isValid(2);
    } catch (SQLException e) {
      MissingServer.unavailable("a PostgreSQL server at " + URL + " (" + e.getMessage() + ")",
          "./scripts/test.sh installs and starts one; or set BATON_JDBC_POSTGRES_URL");
    }
    String table = "baton_cli_" + UUID.randomUUID().toString().substring(0, 8);
    Path token = dir.resolve("token");
    String[] lock = {"--lock", "jdbc", "--namespace", "cli", "--name", "report", "--setting", "jdbc.url=" + URL,
        "--setting", "jdbc.user=" + USER, "--setting", "jdbc.table=" + table, "--setting", "jdbc.createTable=true"};
    try {
      String[] run = concat(new String[] {"run"}, lock, new String[] {"--identity", "cron-1", "--lease-duration", "5s",
          "--renew-deadline", "4s", "--retry-period", "300ms", "--", "sh", "-c", "echo $BATON_FENCING_TOKEN > " + token});
      assertEquals(0, Main.run(run));
      assertTrue(Files.readString(token).trim().matches("\\d+"), Files.readString(token));
      PrintStream out = System.out;
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      int status;
      try {
        status = Main.run(concat(new String[] {"status"}, lock));
      } finally {
        System.setOut(out);
      }
      assertEquals(0, status);
      String table0 = captured.toString(StandardCharsets.UTF_8);
      assertTrue(table0.contains("holder") && table0.contains("(none: released)"), table0);
    } finally {
      try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + table);
      }
    }
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }
}
