package dev.baton.bench;

import dev.baton.leaderelection.GoDurations;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
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

/** {@code java -jar baton-bench.jar elections|scale|ceiling|jmh}: runs benchmarks and prints Markdown for BENCHMARKS.md. */
@Command(name = "baton-bench", mixinStandardHelpOptions = true,
    subcommands = {BenchMain.Elections.class, BenchMain.Scale.class, BenchMain.Ceiling.class, BenchMain.Jmh.class},
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
      case "leases" -> new LeaseBackend(ResourceLockOptions.clientTimeoutFor(timings.renew()));
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

  /** Many elections in one JVM. */
  @Command(name = "scale", description = "N elections in one JVM: renewals, lost terms, threads, heap, connections, "
      + "watches, and graceful handovers of another election meanwhile.")
  static final class Scale implements Callable<Integer> {
    @Option(names = "--backends", split = ",", defaultValue = "inmemory")
    List<String> backends;
    @Option(names = "--electors", defaultValue = "1000", description = "elections (each on its own lock)")
    int electors;
    @Option(names = "--candidates", defaultValue = "1", description = "candidates per election")
    int candidates;
    @Option(names = "--duration", defaultValue = "2m")
    String duration;
    @Option(names = "--handovers", defaultValue = "0",
        description = "graceful handovers of a separate 3-candidate election, measured during the steady state")
    int handovers;
    @CommandLine.Mixin
    TimingOptions timing = new TimingOptions();

    @Override
    public Integer call() throws Exception {
      Timings t = timing.timings();
      StringBuilder md = new StringBuilder();
      md.append("Durations ").append(t).append(".\n\n").append(SCALE_HEADER);
      StringBuilder fabric8 = new StringBuilder();
      for (String name : backends) {
        if (name.equals("fabric8")) {
          Fabric8Scale.Result r = new Fabric8Scale(t, electors, parse(duration)).run();
          fabric8.append(String.format(Locale.ROOT, "| fabric8 LeaderElector (leases, mock API server) | %d | %d | %d | "
                  + "%.0f | %.0f | %d | %.1f MB (%.1f MB) | %.1f s |%n", r.electors(), r.leading(), r.lost(),
              r.requestsPerSecond(), r.readsPerSecond(), r.jvmThreadsPeak(), r.heapAfterGcMb(), r.heapBaselineMb(),
              r.acquireAllMs() / 1000));
          continue;
        }
        try (Backend b = backend(name, t)) {
          md.append(scaleRow(new ScaleBenchmark(t, electors, candidates, parse(duration), handovers, Duration.ofMinutes(3))
              .run(b)));
        }
      }
      if (!fabric8.isEmpty()) {
        md.append("\n| reference | electors | leading at the end | terms lost | requests/s | of which reads/s | JVM threads "
            + "(peak) | heap after GC (baseline) | all led after |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
            .append(fabric8);
      }
      System.out.println(md);
      return 0;
    }
  }

  static final String SCALE_HEADER = "| backend | elections x candidates | with a leader at the end | renewals/s | lock calls/s "
      + "| terms lost (per min) | missed renewals | longest renewal gap | overlaps | Baton threads [by pool] (JVM) | heap after GC "
      + "(baseline) | all led after | handover under load | JVM CPU (cores) | held open at the end |\n"
      + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";

  static String scaleRow(ScaleBenchmark.Result r) {
    return String.format(Locale.ROOT, "| %s | %d x %d | %d | %.0f | %.0f | %d (%.2f) | %d | %.0f ms | %d | %d [%s] (%d) "
            + "| %.1f MB (%.1f MB) | %.1f s | %s | %.2f | %s |%n",
        r.backend(), r.elections(), r.candidates(), r.leading(), r.renewalsPerSecond(), r.callsPerSecond(),
        r.lostTerms(), r.lostPerMinute(), r.missedRenewals(), r.longestGapMs(), r.overlaps(), r.batonThreadsPeak(),
        r.batonThreadKinds(), r.jvmThreadsPeak(), r.heapAfterGcMb(), r.heapBaselineMb(), r.acquireAllMs() / 1000,
        r.handoverMs().values().isEmpty() ? "-" : String.format(Locale.ROOT, "median %.0f ms, p99 %.0f ms (n=%d)",
            r.handoverMs().median(), r.handoverMs().quantile(0.99), r.handoverMs().values().size()),
        r.cpuCores(), r.openResources());
  }

  /** The store's raw write ceiling, then Baton's renewals ramped towards and past it. */
  @Command(name = "ceiling", description = "The store's raw compare-and-set ceiling with its own client, then electors "
      + "ramped at a fixed retry period (fractions of that ceiling) until renewals are missed.")
  static final class Ceiling implements Callable<Integer> {
    @Option(names = "--backends", split = ",", defaultValue = "etcd,zookeeper,leases")
    List<String> backends;
    @Option(names = "--in-flight", defaultValue = "8", description = "concurrent raw writes: Baton's lock-call threads")
    int inFlight;
    @Option(names = "--keys", defaultValue = "2000")
    int keys;
    @Option(names = "--raw-duration", defaultValue = "30s")
    String rawDuration;
    @Option(names = "--ramp", split = ",", defaultValue = "0.5,0.7,0.8,0.85,0.9,0.95,1.0,1.1,1.3",
        description = "renewal rates to try, as fractions of the raw ceiling")
    List<Double> ramp;
    @Option(names = "--step", defaultValue = "30s", description = "steady state of each ramp step")
    String step;
    @Option(names = "--acquire-limit", defaultValue = "1m",
        description = "how long a step waits for every election to have a leader before measuring anyway")
    String acquireLimit;
    @CommandLine.Mixin
    TimingOptions timing = new TimingOptions();

    @Override
    public Integer call() throws Exception {
      Timings t = timing.timings();
      StringBuilder md = new StringBuilder();
      md.append("Raw: ").append(inFlight).append(" threads in flight over ").append(keys)
          .append(" keys, compare-and-set writes of a record-sized value with the store's own client. Ramp: one ")
          .append("candidate per election, durations ").append(t).append(", ").append(step).append(" per step.\n\n");
      for (String name : backends) {
        StoreCeiling.Result raw;
        try (Backend b = backend(name, t); RawStore store = b.rawStore()) {
          System.err.printf("[%s] raw ceiling, %d in flight%n", name, inFlight);
          raw = StoreCeiling.measure(store, inFlight, keys, Duration.ofSeconds(5), parse(rawDuration));
        }
        md.append(String.format(Locale.ROOT, "### %s%n%nRaw ceiling: **%.0f writes/s** (mean %.2f ms per write, %d failed)%n%n",
            name, raw.writesPerSecond(), raw.meanLatencyMs(), raw.failures()));
        md.append("| target (of raw) | ").append(SCALE_HEADER.substring(2).replaceFirst("\\| --- ", "| --- | --- "));
        flush(md);
        double bestClean = 0;
        for (double f : ramp) {
          int n = (int) Math.round(f * raw.writesPerSecond() * t.retry().toMillis() / 1000.0);
          try (Backend b = backend(name, t)) {
            ScaleBenchmark.Result r = new ScaleBenchmark(t, n, 1, parse(step), 0, parse(acquireLimit)).run(b);
            boolean clean = r.leading() == n && r.lostTerms() == 0 && r.missedRenewals() == 0;
            if (clean) {
              bestClean = Math.max(bestClean, r.renewalsPerSecond());
            }
            md.append(String.format(Locale.ROOT, "| %.0f %% %s", f * 100, scaleRow(r)));
            flush(md);
            System.err.printf("[%s] %.0f %% of raw: %d electors, %.0f renewals/s, %d lost, %d missed%n", name, f * 100, n,
                r.renewalsPerSecond(), r.lostTerms(), r.missedRenewals());
          }
        }
        md.append(String.format(Locale.ROOT, "%nBaton's highest clean step: **%.0f renewals/s = %.0f %% of the raw "
            + "ceiling**.%n%n", bestClean, 100 * bestClean / raw.writesPerSecond()));
        flush(md);
      }
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

  /** Prints what {@code md} holds and empties it, so a long run shows each row as it is measured. */
  static void flush(StringBuilder md) {
    System.out.print(md);
    System.out.flush();
    md.setLength(0);
  }

  static void write(Path file, String content) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, content, StandardCharsets.UTF_8);
    System.err.println("wrote " + file.toAbsolutePath());
  }
}
