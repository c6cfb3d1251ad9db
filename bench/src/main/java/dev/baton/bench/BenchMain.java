package dev.baton.bench;

import dev.baton.leaderelection.GoDurations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar baton-bench.jar elections|scale|jmh}: runs benchmarks and prints Markdown for BENCHMARKS.md. */
@Command(name = "baton-bench", mixinStandardHelpOptions = true,
    subcommands = {BenchMain.Elections.class, BenchMain.Scale.class, BenchMain.Jmh.class},
    description = "Baton's benchmarks; see BENCHMARKS.md for the figures and the machine.")
public final class BenchMain {

  private BenchMain() {
  }

  /**
   * Runs the harness.
   *
   * @param args the command line
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("jmh")) {
      // Everything after "jmh" is JMH's own command line.
      org.openjdk.jmh.Main.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    System.exit(new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  static Backend backend(String name, Timings timings) throws Exception {
    return switch (name) {
      case "inmemory" -> new InMemoryBackend(true);
      case "inmemory-polling" -> new InMemoryBackend(false);
      case "etcd" -> new EtcdBackend(timings);
      case "zookeeper" -> new ZooKeeperBackend(timings);
      case "leases" -> new LeaseBackend();
      case "jdbc-postgres" -> JdbcBackend.postgres(timings);
      case "jdbc-mariadb" -> JdbcBackend.mariadb(timings);
      default -> throw new CommandLine.ParameterException(new CommandLine(new BenchMain()),
          "unknown backend '" + name + "'; known: inmemory, inmemory-polling, etcd, zookeeper, leases, jdbc-postgres, "
              + "jdbc-mariadb");
    };
  }

  /** Shared duration options; the defaults are the elector's ({@link Timings#CLIENT_GO}). */
  static class TimingOptions {
    @Option(names = "--lease", description = "lease duration (default ${DEFAULT-VALUE})")
    String lease = GoDurations.format(Timings.CLIENT_GO.lease());
    @Option(names = "--renew", description = "renew deadline (default ${DEFAULT-VALUE})")
    String renew = GoDurations.format(Timings.CLIENT_GO.renew());
    @Option(names = "--retry", description = "retry period (default ${DEFAULT-VALUE})")
    String retry = GoDurations.format(Timings.CLIENT_GO.retry());

    Timings timings() {
      return new Timings(parse(lease), parse(renew), parse(retry));
    }
  }

  /** Reads a duration as the {@code baton} program does: {@code 15s}, {@code 500ms}, {@code 1m30s}, {@code PT15S}. */
  static Duration parse(String s) {
    return GoDurations.parse(s);
  }

  /** Handover, failover and request cost per backend. */
  @Command(name = "elections", description = "Graceful handover, crash failover and steady-state request cost.")
  static final class Elections implements Callable<Integer> {
    @Option(names = "--backends", split = ",", defaultValue = "inmemory,inmemory-polling,etcd,zookeeper,leases,fabric8",
        description = "backends to run; fabric8 is fabric8's own LeaderElector on a Lease of the mock API server")
    List<String> backends;
    @Option(names = "--samples", defaultValue = "10")
    int samples;
    @Option(names = "--steady-state", defaultValue = "2m", description = "how long request cost is counted")
    String steady;
    @Option(names = "--chart", defaultValue = "bench/results/elections.svg")
    Path chart;
    @CommandLine.Mixin
    TimingOptions timing = new TimingOptions();

    @Override
    public Integer call() throws Exception {
      Timings t = timing.timings();
      ElectionBenchmarks bench = new ElectionBenchmarks(t, samples, parse(steady));
      List<ElectionBenchmarks.Result> results = new ArrayList<>();
      for (String name : backends) {
        if (name.equals("fabric8")) {
          results.add(new Fabric8Reference(t, samples, parse(steady)).run());
          continue;
        }
        try (Backend b = backend(name, t)) {
          results.add(bench.run(b));
        }
      }
      StringBuilder md = new StringBuilder();
      md.append("Durations ").append(t).append(", 3 candidates, ").append(samples).append(" samples each.\n\n");
      md.append("| backend | watch | graceful handover | crash failover (from last renewal) | leader writes/min | leader reads/min | follower reads/min | overlaps |\n");
      md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
      Map<String, Stats> handover = new LinkedHashMap<>();
      Map<String, Stats> failover = new LinkedHashMap<>();
      for (ElectionBenchmarks.Result r : results) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f | %.1f | %.1f | %d |%n", r.backend(),
            r.watches() ? "yes" : "no", r.handoverMs().summary(), r.failoverMs().summary(), r.requests().leaderWrites(),
            r.requests().leaderReads(), r.requests().followerReads(), r.overlaps()));
        handover.put(r.backend(), r.handoverMs());
        failover.put(r.backend(), r.failoverMs());
      }
      System.out.println(md);
      Map<String, Map<String, Stats>> panels = new LinkedHashMap<>();
      panels.put("Graceful handover: stepDown() to the next onStartedLeading", handover);
      panels.put("Crash failover: last renewal of the crashed leader to the next onStartedLeading", failover);
      write(chart, DistributionChart.svg("Baton elections, " + t, panels));
      return 0;
    }
  }

  /** Many electors in one JVM. */
  @Command(name = "scale", description = "N electors on N locks in one JVM: threads, heap, missed renewals.")
  static final class Scale implements Callable<Integer> {
    @Option(names = "--backends", split = ",", defaultValue = "inmemory")
    List<String> backends;
    @Option(names = "--electors", defaultValue = "1000")
    int electors;
    @Option(names = "--duration", defaultValue = "2m")
    String duration;
    @CommandLine.Mixin
    TimingOptions timing = new TimingOptions();

    @Override
    public Integer call() throws Exception {
      Timings t = timing.timings();
      StringBuilder md = new StringBuilder();
      md.append("| backend | electors | leading at end | terms lost | missed renewals | longest renewal gap | Baton threads (peak) | heap after GC (baseline) | all leading after |\n");
      md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
      for (String name : backends) {
        try (Backend b = backend(name, t)) {
          ScaleBenchmark.Result r = new ScaleBenchmark(t, electors, parse(duration)).run(b);
          md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.0f ms | %d | %.1f MB (%.1f MB) | %.0f ms |%n",
              r.backend(), r.electors(), r.leading(), r.lostLeadership(), r.missedRenewals(), r.longestGapMs(),
              r.batonThreadsPeak(), r.heapAfterGcMb(), r.heapBaselineMb(), r.acquireAllMs()));
        }
      }
      System.out.println(md);
      return 0;
    }
  }

  /** JMH lock-call benchmarks; {@link #main} hands the rest of the command line to JMH. */
  @Command(name = "jmh", description = "JMH benchmarks of lock calls; the rest of the line goes to JMH (e.g. -f 1 -wi 3 -i 5).")
  static final class Jmh implements Callable<Integer> {
    @Override
    public Integer call() {
      return 0;
    }
  }

  static void write(Path file, String content) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, content, StandardCharsets.UTF_8);
    System.err.println("wrote " + file.toAbsolutePath());
  }
}
