package dev.baton.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testkit.fixture.Await;
import dev.baton.testkit.fixture.Binaries;
import dev.baton.testkit.fixture.FreePorts;
import dev.baton.testkit.fixture.MissingServer;
import dev.baton.testkit.fixture.Readiness;
import dev.baton.testkit.fixture.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code baton run} processes on a real etcd, each running a command that appends its name and
 * the time to one file while it runs: the leader's whole process group is killed, the other takes
 * over, and the file shows no two writers at once.
 */
class RunEndToEndTest {
  private final List<Process> processes = new ArrayList<>();
  private ServerProcess etcd;

  @AfterEach
  void stop() {
    processes.forEach(p -> {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    });
    if (etcd != null) {
      etcd.stop();
    }
  }

  private String startEtcd(Path dir) {
    Path binary = Binaries.find("etcd").orElseGet(() -> MissingServer.unavailable("an etcd server",
        "install Debian's etcd-server (./scripts/test.sh does it)"));
    List<Integer> ports = FreePorts.allocate(2);
    String client = "http://127.0.0.1:" + ports.get(0);
    String peer = "http://127.0.0.1:" + ports.get(1);
    etcd = ServerProcess.builder("cli-etcd").command(binary.toString(), "--name", "e", "--data-dir", dir.resolve("etcd").toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer, "--initial-cluster", "e=" + peer, "--heartbeat-interval", "10",
        "--election-timeout", "50", "--log-level", "error")
        .readiness(Readiness.httpBody(client + "/health", b -> b.contains("\"true\""))).build().start();
    return client;
  }

  /** Starts {@code baton run} in its own session, so its whole process group can be killed like a crashed pod. */
  private Process baton(String identity, String endpoints, Path file, Path log) throws IOException {
    return baton(identity, endpoints, file, log, "2s", "1s", "200ms");
  }

  private Process baton(String identity, String endpoints, Path file, Path log, String lease, String renew, String retry)
      throws IOException {
    List<String> command = new ArrayList<>(List.of("setsid", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.baton.cli.Main", "run", "--http", "127.0.0.1:0",
        "--lock", "etcd", "--namespace", "e2e", "--name", "writer", "--identity", identity,
        "--etcd-endpoints", endpoints, "--lease-duration", lease, "--renew-deadline", renew, "--retry-period", retry,
        "--grace-period", "2s", "--",
        "sh", "-c", "while true; do echo \"$BATON_IDENTITY $(date +%s%N)\" >> " + file + "; sleep 0.05; done"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(p);
    return p;
  }

  private static List<String[]> lines(Path file) throws IOException {
    List<String[]> out = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        String[] parts = line.trim().split(" ");
        if (parts.length == 2) {
          out.add(parts);
        }
      }
    }
    return out;
  }

  private static long count(Path file, String identity) {
    try {
      return lines(file).stream().filter(l -> l[0].equals(identity)).count();
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean wrote(Path file, String identity) {
    try {
      return lines(file).stream().anyMatch(l -> l[0].equals(identity));
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  @DisplayName("Kill the leader's process group: the other baton run takes over, and the file never has two writers at once")
  void failover(@TempDir Path dir) throws Exception {
    String endpoints = startEtcd(dir);
    Path file = dir.resolve("writes.txt");
    Process a = baton("alpha", endpoints, file, dir.resolve("alpha.log"));
    Await.until(() -> wrote(file, "alpha"), Duration.ofSeconds(20), "alpha never started writing; log: " + dir.resolve("alpha.log"));
    java.util.regex.Matcher url = java.util.regex.Pattern.compile("serving (http://\\S+/)leader").matcher(log(dir, "alpha"));
    assertTrue(url.find(), log(dir, "alpha"));
    var http = java.net.http.HttpClient.newHttpClient();
    String leader = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url.group(1) + "leader")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(leader.contains("\"identity\":\"alpha\",\"leader\":\"alpha\",\"isLeader\":true"), leader);
    assertEquals(200, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url.group(1) + "healthz")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
    Process b = baton("beta", endpoints, file, dir.resolve("beta.log"));
    Await.until(() -> Files.exists(dir.resolve("beta.log")) && log(dir, "beta").contains("leader is alpha"),
        Duration.ofSeconds(20), "beta never saw alpha lead: " + log(dir, "beta"));

    new ProcessBuilder("kill", "-9", "--", "-" + a.pid()).start().waitFor(5, TimeUnit.SECONDS);
    a.waitFor(10, TimeUnit.SECONDS);
    Await.until(() -> wrote(file, "beta"), Duration.ofSeconds(10), "beta never took over; log: " + log(dir, "beta"));
    Await.until(() -> count(file, "beta") >= 10, Duration.ofSeconds(10), "beta writes");

    new ProcessBuilder("kill", "-TERM", Long.toString(b.pid())).start().waitFor(5, TimeUnit.SECONDS);
    assertTrue(b.waitFor(20, TimeUnit.SECONDS), "beta did not exit after SIGTERM");
    assertEquals(0, b.exitValue(), "SIGTERM ends baton run with status 0; log: " + log(dir, "beta"));
    assertTrue(log(dir, "beta").contains("beta leads"), log(dir, "beta"));

    List<String[]> writes = lines(file);
    long lastAlpha = writes.stream().filter(l -> l[0].equals("alpha")).mapToLong(l -> Long.parseLong(l[1])).max().orElseThrow();
    long firstBeta = writes.stream().filter(l -> l[0].equals("beta")).mapToLong(l -> Long.parseLong(l[1])).min().orElseThrow();
    assertTrue(lastAlpha < firstBeta, "alpha wrote at " + lastAlpha + " after beta started at " + firstBeta);
    long quietUntil = System.nanoTime() + Duration.ofMillis(300).toNanos();
    Await.until(() -> System.nanoTime() - quietUntil > 0, Duration.ofSeconds(2), "a quiet period");
    assertEquals(writes.size(), lines(file).size(), "beta's command must have stopped with it");
  }

  @Test
  @DisplayName("Two baton run with one --identity on one lock: the second never runs its command and exits 5 naming the identity")
  void duplicateIdentity(@TempDir Path dir) throws Exception {
    String endpoints = startEtcd(dir);
    Path firstFile = dir.resolve("first.txt");
    Path secondFile = dir.resolve("second.txt");
    // Client timeouts of 2 s (renewDeadline / 2): a cold JVM's first etcd call can take over 1 s on a busy machine.
    baton("worker", endpoints, firstFile, dir.resolve("first.log"), "5s", "4s", "300ms");
    Await.until(() -> wrote(firstFile, "worker"), Duration.ofSeconds(20), "the first never started writing; log: "
        + log(dir, "first"));
    Process second = baton("worker", endpoints, secondFile, dir.resolve("second.log"), "5s", "4s", "300ms");
    assertTrue(second.waitFor(20, TimeUnit.SECONDS), "the second baton run did not exit; log: " + log(dir, "second"));
    assertEquals(ExitCodes.IDENTITY_CONFLICT, second.exitValue(), log(dir, "second"));
    assertTrue(log(dir, "second").contains("another process uses the identity 'worker'"), log(dir, "second"));
    assertFalse(Files.exists(secondFile), "the second ran its command although another process led as 'worker'");
    long before = count(firstFile, "worker");
    Await.until(() -> count(firstFile, "worker") >= before + 5, Duration.ofSeconds(10), "the first stopped writing");
  }

  @Test
  @DisplayName("The supervised command does not see baton's secret environment variables")
  void secretsStayWithBaton(@TempDir Path dir) throws Exception {
    String endpoints = startEtcd(dir);
    Path env = dir.resolve("env.txt");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.baton.cli.Main", "run",
        "--lock", "etcd", "--namespace", "e2e", "--name", "env", "--identity", "solo", "--etcd-endpoints", endpoints,
        "--lease-duration", "5s", "--renew-deadline", "4s", "--retry-period", "300ms", "--",
        "sh", "-c", "env > " + env));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("solo.log").toFile());
    // An ambient secret of a backend the etcd lock does not read: baton ignores it, the command must not get it
    // (RunCommandTest checks the same for every variable of LockOptions.SECRET_ENVIRONMENT).
    pb.environment().put("BATON_ZOOKEEPER_DIGEST", "zk-user:zk-S3CRET");
    Process p = pb.start();
    processes.add(p);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "baton run did not end; log: " + log(dir, "solo"));
    String seen = Files.readString(env);
    assertTrue(seen.contains("BATON_IDENTITY=solo"), seen);
    assertFalse(seen.contains("S3CRET"), "the command saw a secret: " + seen);
    assertFalse(seen.contains("BATON_ETCD_PASSWORD") || seen.contains("BATON_ZOOKEEPER_DIGEST"), seen);
  }

  @Test
  @DisplayName("SIGHUP stops the command gracefully; a second signal kills a command that ignores TERM at once, then the lock is released")
  void signals(@TempDir Path dir) throws Exception {
    String endpoints = startEtcd(dir);
    Path pidFile = dir.resolve("command.pid");
    List<String> command = new ArrayList<>(List.of("setsid", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.baton.cli.Main", "run",
        "--lock", "etcd", "--namespace", "e2e", "--name", "signals", "--identity", "stubborn", "--etcd-endpoints", endpoints,
        "--lease-duration", "5s", "--renew-deadline", "4s", "--retry-period", "300ms", "--grace-period", "60s", "--",
        "sh", "-c", "echo $$ > " + pidFile + "; trap '' TERM; while true; do sleep 0.1; done"));
    Process baton = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("stubborn.log").toFile())
        .start();
    processes.add(baton);
    Await.until(() -> Files.exists(pidFile) && !readQuietly(pidFile).isBlank(), Duration.ofSeconds(30),
        "the command never started; log: " + dir.resolve("stubborn.log"));
    long commandPid = Long.parseLong(readQuietly(pidFile).trim());
    new ProcessBuilder("kill", "-HUP", Long.toString(baton.pid())).start().waitFor(5, TimeUnit.SECONDS);
    Await.until(() -> log(dir, "stubborn").contains("SIGHUP: stopping the command"), Duration.ofSeconds(10),
        "baton did not take SIGHUP as a stop; log: " + dir.resolve("stubborn.log"));
    assertTrue(baton.isAlive(), "baton ended on SIGHUP while its command still ran: " + log(dir, "stubborn"));
    assertTrue(ProcessHandle.of(commandPid).map(ProcessHandle::isAlive).orElse(false), "the command ignores TERM");
    long second = System.nanoTime();
    new ProcessBuilder("kill", "-INT", Long.toString(baton.pid())).start().waitFor(5, TimeUnit.SECONDS);
    assertTrue(baton.waitFor(15, TimeUnit.SECONDS), "baton did not end after the second signal; log: " + log(dir, "stubborn"));
    Duration took = Duration.ofNanos(System.nanoTime() - second);
    assertEquals(0, baton.exitValue(), log(dir, "stubborn"));
    assertFalse(ProcessHandle.of(commandPid).map(ProcessHandle::isAlive).orElse(false), "the command was left running");
    assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "took " + took);
    assertTrue(log(dir, "stubborn").contains("SIGINT again: killing the command"), log(dir, "stubborn"));
    try (var observer = (AutoCloseable & dev.baton.leaderelection.resourcelock.ResourceLock)
        dev.baton.leaderelection.resourcelock.ResourceLocks.newLock("etcd", "e2e", "signals",
            dev.baton.leaderelection.resourcelock.ResourceLockConfig.of("observer"),
            dev.baton.leaderelection.resourcelock.ResourceLockOptions.builder().setting("etcd.endpoints", endpoints).build())) {
      assertEquals("", observer.get().record().holderIdentity(), "the lock was not released after the command was gone");
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private static String log(Path dir, String who) {
    try {
      return Files.readString(dir.resolve(who + ".log"));
    } catch (IOException e) {
      return "";
    }
  }
}
