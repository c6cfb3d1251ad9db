package dev.baton.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLockProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: parsing, settings, secrets, errors, formatting, and a short demo. */
class MainTest {

  /** Runs the program in this JVM, capturing standard output and error. */
  private static String[] run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new String[] {Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  @DisplayName("An unknown lock type is one line naming the types found, exit 1, no stack trace")
  void unknownType() {
    String[] r = run("status", "--lock", "nosuch", "--name", "x");
    assertEquals("1", r[0]);
    assertTrue(r[2].startsWith("baton: Unknown lock type \"nosuch\". Lock types found: "), r[2]);
    assertTrue(r[2].contains("etcd") && r[2].contains("leases") && r[2].contains("zookeeper"), r[2]);
    assertFalse(r[2].contains("\tat "), "no stack trace without --verbose: " + r[2]);
  }

  @Test
  @DisplayName("A misspelt lock type or setting, or a setting of another backend, is one line with a suggestion, exit 1")
  void didYouMean() {
    String[] r = run("status", "--lock", "etcdd", "--name", "x");
    assertEquals("1", r[0]);
    assertTrue(r[2].startsWith("baton: Unknown lock type \"etcdd\". Did you mean \"etcd\"?"), r[2]);
    r = run("status", "--lock", "ETCD", "--name", "x");
    assertTrue(r[2].startsWith("baton: Unknown lock type \"ETCD\". Did you mean \"etcd\"?"), r[2]);
    r = run("status", "--lock", "etcd", "--name", "x", "--etcd-endpoints", "http://127.0.0.1:1", "--setting", "etcd.prefx=/mine");
    assertEquals("1", r[0]);
    assertTrue(r[2].startsWith("baton: Unknown setting for lock type 'etcd': 'etcd.prefx' (did you mean 'etcd.prefix'?)"), r[2]);
    r = run("status", "--lock", "etcd", "--name", "x", "--etcd-endpoints", "http://127.0.0.1:1",
        "--setting", "zookeeper.connect=127.0.0.1:2181");
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("'zookeeper.connect' (it is a setting of lock type 'zookeeper')"), r[2]);
    assertEquals(1, r[2].lines().filter(l -> l.startsWith("baton:")).count(), "one line: " + r[2]);
  }

  @Test
  @DisplayName("A usage error is one line and a hint (a forgotten -- is named), not the whole help; help explains")
  void usageAndHelp() {
    String[] r = run("run", "--lock", "etcd", "--name", "x", "sh", "-c", "true");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("put -- before the command to run: baton run [OPTIONS] -- COMMAND [ARGS...]"), r[2]);
    assertTrue(r[2].lines().count() <= 3, "a usage error must not print the whole help: " + r[2]);
    r = run("status", "--nme", "x");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("see 'baton status --help'"), r[2]);
    assertFalse(r[2].contains("put --"), r[2]);
    r = run("help", "run");
    assertEquals("0", r[0], r[2]);
    String help = r[1].replaceAll("\\s+", " ");
    assertTrue(help.contains("--renew-deadline") && help.contains("must exceed 1.2 x --retry-period"), r[1]);
    r = run("demo", "--help");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("(default 3)") && r[1].contains("(default 300ms)"), r[1]);
    r = run("--help");
    assertTrue(r[1].contains("'baton help COMMAND'"), r[1]);
  }

  @Test
  @DisplayName("A composite type whose part is missing names it, exit 1")
  void missingPart() {
    String[] r = run("status", "--lock", "etcd-to-nosuch", "--name", "x", "--etcd-endpoints", "http://127.0.0.1:1");
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("the secondary lock type 'nosuch' of composite type 'etcd-to-nosuch'"), r[2]);
  }

  @Test
  @DisplayName("run and status refuse the in-memory lock, alone or in a composite: one line saying why and what to use, exit 2")
  void inMemoryRefused(@TempDir Path dir) throws Exception {
    Path ran = dir.resolve("ran");
    String why = "the in-memory lock, whose record lives inside one process: every baton process would have its own "
        + "store and lead alone. Use a store all candidates reach (leases, etcd, zookeeper, jdbc); 'baton demo' shows "
        + "the in-memory lock in one process";
    String[] r = run("run", "--lock", "inmemory", "--name", "refused", "--", "touch", ran.toString());
    assertEquals("2", r[0], r[2]);
    assertEquals("baton: lock type 'inmemory' is " + why + System.lineSeparator(), r[2]);
    assertFalse(Files.exists(ran), "the command must not run");
    assertTrue(InMemoryLockStore.named(InMemoryResourceLockProvider.DEFAULT_STORE).peek("default", "refused").isEmpty(),
        "no record may be written");
    r = run("status", "--lock", "inmemory", "--name", "refused");
    assertEquals("2", r[0], r[2]);
    assertEquals("baton: lock type 'inmemory' is " + why + System.lineSeparator(), r[2]);
    for (String composite : new String[] {"inmemory-to-leases", "etcd-to-inmemory"}) {
      r = run("run", "--lock", composite, "--name", "refused", "--", "touch", ran.toString());
      assertEquals("2", r[0], r[2]);
      assertEquals("baton: lock type '" + composite + "' contains " + why + System.lineSeparator(), r[2]);
      r = run("status", "--lock", composite, "--name", "refused");
      assertEquals("2", r[0], r[2]);
      assertEquals("baton: lock type '" + composite + "' contains " + why + System.lineSeparator(), r[2]);
    }
    assertFalse(Files.exists(ran), "the command must not run");
  }

  @Test
  @DisplayName("Missing --lock or --name, or a bad duration, is a usage error (exit 2)")
  void usage() {
    assertEquals("2", run("status", "--name", "x")[0]);
    assertEquals("2", run("run", "--lock", "etcd", "--name", "x", "--lease-duration", "soon", "--", "true")[0]);
    String[] r = run("run", "--lock", "etcd", "--name", "x", "--etcd-endpoints", "http://127.0.0.1:1",
        "--lease-duration", "2s", "--renew-deadline", "1s", "--retry-period", "200ms", "--", "true");
    assertEquals("1", r[0], r[2]);
    assertTrue(r[2].startsWith("baton: cannot reach the lock store within 10 s: etcd at http://127.0.0.1:1 did not answer"), r[2]);
    assertTrue(r[2].contains("; probing it: 127.0.0.1:1: connection refused (nothing listens there)"), r[2]);
    assertEquals(1, r[2].lines().filter(l -> l.startsWith("baton:")).count(), "one line: " + r[2]);
    assertFalse(r[2].contains("\tat "), "no stack trace without --verbose: " + r[2]);
  }

  @Test
  @DisplayName("Passwords are refused as flag values and taken from a file or the environment")
  void secrets(@TempDir Path dir) throws Exception {
    String[] r = run("status", "--lock", "etcd", "--name", "x", "--setting", "etcd.password=hunter2");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("etcd.password must not be given on the command line"), r[2]);
    assertFalse(r[2].contains("hunter2"), r[2]);
    r = run("status", "--lock", "jdbc", "--name", "x", "--setting", "jdbc.password=hunter2");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("jdbc.password must not be given on the command line"), r[2]);
    assertFalse(r[2].contains("hunter2"), r[2]);

    Path file = dir.resolve("pw");
    Files.writeString(file, "from-file\n");
    LockOptions options = new LockOptions();
    new CommandLine(options).parseArgs("--lock", "etcd", "--name", "x", "--etcd-endpoints", "http://e:2379",
        "--etcd-user", "root", "--etcd-password-file", file.toString(), "--zookeeper-connect", "zk:2181",
        "--setting", "etcd.prefix=/p");
    Map<String, String> settings = options.settings(Map.of("BATON_ZOOKEEPER_DIGEST", "u:secret")::get, key -> true);
    assertEquals("http://e:2379", settings.get("etcd.endpoints"));
    assertEquals("root", settings.get("etcd.user"));
    assertEquals("from-file", settings.get("etcd.password"));
    assertEquals("zk:2181", settings.get("zookeeper.connect"));
    assertEquals("/p", settings.get("etcd.prefix"));
    assertEquals("u:secret", settings.get("zookeeper.digest"));

    // The environment is ambient: its values are used only for keys the chosen lock type reads.
    LockOptions etcdOnly = new LockOptions();
    new CommandLine(etcdOnly).parseArgs("--lock", "etcd", "--name", "x");
    Map<String, String> ambient = etcdOnly.settings(Map.of("BATON_ZOOKEEPER_DIGEST", "u:secret",
        "BATON_ZOOKEEPER_CONNECT", "zk:2181", "BATON_ETCD_ENDPOINTS", "http://e:2379")::get, key -> key.startsWith("etcd."));
    assertEquals(Map.of("etcd.endpoints", "http://e:2379"), ambient);
  }

  @Test
  @DisplayName("Without --namespace, a Kubernetes lock takes the kubeconfig context's namespace, as kubectl; others 'default'")
  void defaultNamespace(@TempDir Path dir) throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("config"), String.join("\n", "apiVersion: v1", "kind: Config",
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]", "users: [{name: u, user: {token: t}}]",
        "contexts: [{name: x, context: {cluster: c, user: u, namespace: payments}}]", "current-context: x", ""));
    LockOptions leases = new LockOptions();
    new CommandLine(leases).parseArgs("--lock", "leases", "--name", "x");
    ResourceLockOptions withKubeconfig = ResourceLockOptions.builder()
        .setting("kubernetes.kubeconfig", kubeconfig.toString()).build();
    assertEquals("payments", leases.namespace(withKubeconfig));
    LockOptions explicit = new LockOptions();
    new CommandLine(explicit).parseArgs("--lock", "leases", "--name", "x", "--namespace", "ops");
    assertEquals("ops", explicit.namespace(withKubeconfig));
    LockOptions etcd = new LockOptions();
    new CommandLine(etcd).parseArgs("--lock", "etcd", "--name", "x");
    assertEquals("default", etcd.namespace(withKubeconfig));
  }

  @Test
  @DisplayName("Durations read as 15s, 500ms, 2m or PT15S")
  void durations() {
    assertEquals(Duration.ofSeconds(15), Durations.parse("15s"));
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
    assertEquals(Duration.ofSeconds(15), Durations.parse("PT15S"));
    assertThrows(CommandLine.TypeConversionException.class, () -> Durations.parse("soon"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofNanos(1_500_000), Durations.parse("1.5ms"));
    assertEquals("'-1s' is negative; a duration must be 0 or more",
        assertThrows(CommandLine.TypeConversionException.class, () -> Durations.parse("-1s")).getMessage());
  }

  @Test
  @DisplayName("Bad durations are usage errors found before the store is touched, echoed as typed")
  void durationRulesFirst() {
    String[] r = run("run", "--lock", "etcd", "--name", "x", "--etcd-endpoints", "http://127.0.0.1:1",
        "--grace-period", "-1s", "--", "true");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("'-1s' is negative"), r[2]);
    long start = System.nanoTime();
    r = run("run", "--lock", "etcd", "--name", "x", "--etcd-endpoints", "http://127.0.0.1:1",
        "--lease-duration", "8s", "--renew-deadline", "7.999323906s", "--", "true");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("leaseDuration (8s) must exceed renewDeadline (7.999323906s) by at least 1 s"), r[2]);
    assertFalse(r[2].contains("PT"), r[2]);
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(2)) < 0,
        "the durations must be checked before the unreachable store is tried");
  }

  @Test
  @DisplayName("status prints a readable table and JSON with the wall-clock expiry estimate")
  void statusFormats() {
    Instant now = Instant.parse("2030-01-01T00:01:00Z");
    LeaderElectionRecord r = LeaderElectionRecord.of("pod-a", 15, Instant.parse("2030-01-01T00:00:00Z"),
        Instant.parse("2030-01-01T00:00:55Z"), 3);
    String table = StatusCommand.table("default/app", r, now);
    assertTrue(table.contains("holder          pod-a"), table);
    assertTrue(table.contains("renewed         2030-01-01T00:00:55Z (5 s ago)"), table);
    assertTrue(table.contains("transitions     3"), table);
    assertTrue(table.contains("expired         no (by the wall clock)"), table);
    String json = StatusCommand.json("default/app", r, now);
    assertTrue(json.startsWith("{\"lock\":\"default/app\",\"holderIdentity\":\"pod-a\",\"leaseDurationSeconds\":15,"), json);
    assertTrue(json.contains("\"renewedSecondsAgo\":5.0,\"expiredByWallClock\":false}"), json);
  }

  @Test
  @DisplayName("demo runs candidates with crashes and handovers, reports the times, and writes a well-formed SVG timeline")
  void demo(@TempDir Path dir) throws Exception {
    Path svg = dir.resolve("timeline.svg");
    String[] r = run("demo", "--rounds", "2", "--out", svg.toString());
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("-- crashing candidate-") && r[1].contains("-- gracefully stopping candidate-"), r[1]);
    assertTrue(r[1].contains("overlaps (two leaders at once): 0"), r[1]);
    assertTrue(r[1].matches("(?s).*graceful handover \\(stepDown to the next leader\\): median \\d+ ms.*"), r[1]);
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
    assertEquals("svg", doc.getDocumentElement().getNodeName());
    assertTrue(doc.getElementsByTagName("rect").getLength() >= 4, "a bar per term plus the background");
  }
}
