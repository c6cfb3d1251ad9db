package dev.baton.cli;

import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import dev.baton.lock.inmemory.WatchableInMemoryResourceLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code baton demo}: candidates in one process on an embedded backend, with crashes and handovers. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Starts an embedded in-memory backend and several candidates in this process, stops the leader",
        "a few times (crash and graceful), prints the leadership timeline with the measured handover and",
        "failover times, and writes the timeline as an SVG chart."})
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--candidates", defaultValue = "3", description = "how many candidates (default ${DEFAULT-VALUE})")
  int candidates;

  @Option(names = "--rounds", defaultValue = "4",
      description = "how many times the leader is stopped, alternating crash and graceful (default ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--lease-duration", defaultValue = "2s", converter = Durations.class,
      description = "the candidates' lease duration (default ${DEFAULT-VALUE})")
  Duration leaseDuration;

  @Option(names = "--renew-deadline", defaultValue = "1s", converter = Durations.class,
      description = "the candidates' renew deadline (default ${DEFAULT-VALUE})")
  Duration renewDeadline;

  @Option(names = "--retry-period", defaultValue = "300ms", converter = Durations.class,
      description = "the candidates' retry period (default ${DEFAULT-VALUE})")
  Duration retryPeriod;

  @Option(names = "--polling", description = "use the polling in-memory lock (no watch), as client-go behaves (default: watch)")
  boolean polling;

  @Option(names = "--out", defaultValue = "baton-demo.svg", description = "where the SVG timeline goes (default ${DEFAULT-VALUE})")
  Path out;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    if (candidates < 2 || rounds < 1) {
      throw new CliException(ExitCodes.USAGE, "--candidates must be at least 2 and --rounds at least 1", null);
    }
    InMemoryLockStore store = new InMemoryLockStore();
    Timeline timeline = new Timeline(System.nanoTime());
    List<LeaderElector> electors = new ArrayList<>();
    List<String> identities = new ArrayList<>();
    for (int i = 0; i < candidates; i++) {
      String id = "candidate-" + (i + 1);
      identities.add(id);
      ResourceLockConfig config = ResourceLockConfig.of(id);
      ResourceLock lock = polling ? new InMemoryResourceLock(store, "demo", "election", config)
          : new WatchableInMemoryResourceLock(store, "demo", "election", config);
      try {
        electors.add(new LeaderElector(LeaderElectionConfig.builder().lock(lock)
            .leaseDuration(leaseDuration).renewDeadline(renewDeadline).retryPeriod(retryPeriod)
            .callbacks(new LeaderCallbacks() {
              @Override
              public void onStartedLeading(LeaderContext context) {
                timeline.started(id);
                w.printf("%8.3f s  %s starts leading (fencing token %d)%n", timeline.seconds(), id, context.fencingToken());
                w.flush();
              }

              @Override
              public void onStoppedLeading() {
                if (timeline.stopped(id)) {
                  w.printf("%8.3f s  %s stops leading%n", timeline.seconds(), id);
                  w.flush();
                }
              }
            }).build()));
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
      }
    }
    w.printf("Baton demo: %d candidates on an embedded in-memory lock (%s), lease %s, renew deadline %s, retry %s%n",
        candidates, polling ? "polling, as client-go" : "with watch", seconds(leaseDuration), seconds(renewDeadline),
        seconds(retryPeriod));
    electors.forEach(LeaderElector::start);
    Duration limit = leaseDuration.multipliedBy(3);
    await(() -> timeline.leader() != null, limit);
    List<Double> handovers = new ArrayList<>();
    List<Double> failovers = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      pause(leaseDuration);
      String leader = timeline.leader();
      LeaderElector elector = electors.get(identities.indexOf(leader));
      boolean crash = round % 2 == 1;
      int terms = timeline.terms();
      long t0 = System.nanoTime();
      w.printf("%8.3f s  -- %s %s --%n", timeline.seconds(), crash ? "crashing" : "gracefully stopping", leader);
      w.flush();
      CompletableFuture<Void> stopped = crash ? elector.cancel() : elector.stepDown();
      stopped.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (!await(() -> timeline.terms() > terms && timeline.leader() != null, limit)) {
        throw new CliException(ExitCodes.SETUP, "no new leader within " + limit + " after " + leader + " stopped", null);
      }
      double took = (timeline.lastStartNanos() - t0) / 1e6;
      (crash ? failovers : handovers).add(took);
      w.printf("%8.3f s  %s after %.0f ms%n", timeline.seconds(), crash ? "failover" : "handover", took);
      elector.start();
    }
    pause(retryPeriod);
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    electors.forEach(e -> stops.add(e.stepDown()));
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(limit.toMillis(), TimeUnit.MILLISECONDS);
    timeline.end();
    w.println();
    w.printf("graceful handover (stepDown to the next leader): %s%n", summary(handovers));
    w.printf("crash failover (crash to the next leader, about one lease): %s%n", summary(failovers));
    w.printf("overlaps (two leaders at once): %d%n", timeline.overlaps());
    try {
      Files.writeString(out, TimelineSvg.render(timeline, identities, "Baton demo: " + candidates + " candidates, lease "
          + seconds(leaseDuration) + (polling ? ", polling" : ", watch")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(ExitCodes.SETUP, "cannot write the timeline to " + out + ": " + e.getMessage(), e);
    }
    w.printf("timeline chart: %s%n", out.toAbsolutePath());
    w.flush();
    return timeline.overlaps() == 0 ? ExitCodes.OK : ExitCodes.SETUP;
  }

  private static String seconds(Duration d) {
    return d.toMillis() / 1000.0 + " s";
  }

  private static String summary(List<Double> ms) {
    if (ms.isEmpty()) {
      return "-";
    }
    List<Double> sorted = new ArrayList<>(ms);
    sorted.sort(Double::compare);
    double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    return String.format("median %.0f ms, max %.0f ms (n=%d)", median, sorted.get(sorted.size() - 1), sorted.size());
  }

  private static boolean await(BooleanSupplier condition, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.parkNanos(1_000_000);
    }
    return true;
  }

  private static void pause(Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    await(() -> System.nanoTime() - deadline >= 0, d.plusSeconds(1));
  }
}
