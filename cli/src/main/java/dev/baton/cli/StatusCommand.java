package dev.baton.cli;

import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code baton status}: the lock's current record, as a table or JSON. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Reads the lock's record once and prints it: holder, lease duration, acquired and renewed ago, transitions.",
        "Exit status 4 when the lock has no record yet. With --watch, prints each change of holder until Ctrl-C."})
final class StatusCommand implements Callable<Integer> {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Mixin
  LockOptions lock = new LockOptions();

  @Option(names = "--json", description = "print JSON for machines")
  boolean json;

  @Option(names = "--watch", description = {"keep watching and print a line at each change of holder (as etcdctl elect -l);",
      "with a watchable lock at once, else by polling every --interval; Ctrl-C ends it"})
  boolean watch;

  @Option(names = "--interval", defaultValue = "1s", converter = Durations.class,
      description = "how often --watch reads the lock when it cannot watch it (default ${DEFAULT-VALUE})")
  Duration interval;

  @Option(names = "--changes", paramLabel = "N", defaultValue = "0",
      description = "with --watch, exit 0 after N changes of holder (0: never), to wait for a failover in a script")
  int changes;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ResourceLock resourceLock = lock.newLock("baton-status", LeaderElectionConfig.DEFAULT_RENEW_DEADLINE);
    if (watch) {
      try {
        return watch(resourceLock);
      } finally {
        if (resourceLock instanceof AutoCloseable closeable) {
          closeable.close();
        }
      }
    }
    try {
      LeaderElectionRecord record = resourceLock.get().record();
      spec.commandLine().getOut().print(json ? json(resourceLock.describe(), record, Instant.now())
          : table(resourceLock.describe(), record, Instant.now()));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    } catch (RecordNotFoundException e) {
      throw new CliException(ExitCodes.NO_RECORD, "lock " + resourceLock.describe() + " has no record yet: nobody has "
          + "run for it", e);
    } catch (LockException e) {
      throw new CliException(ExitCodes.SETUP, e.getMessage(), e);
    } finally {
      if (resourceLock instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }

  /**
   * Prints the holder now and at each change: {@code <time> holder <identity> (transitions N)}. A
   * watchable lock wakes the loop at once; the loop also reads every {@link #interval}.
   */
  private int watch(ResourceLock resourceLock) throws Exception {
    java.util.concurrent.BlockingQueue<Boolean> wake = new java.util.concurrent.LinkedBlockingQueue<>();
    dev.baton.leaderelection.resourcelock.WatchableResourceLock.RecordWatch recordWatch = null;
    if (resourceLock instanceof dev.baton.leaderelection.resourcelock.WatchableResourceLock w) {
      try {
        recordWatch = w.watch(r -> wake.offer(Boolean.TRUE));
      } catch (LockException e) {
        Console.say("cannot watch " + resourceLock.describe() + ", polling every " + Durations.format(interval) + ": "
            + e.getMessage());
      }
    }
    try {
      String last = null;
      int seen = -1;
      String lastProblem = null;
      while (true) {
        String holder;
        try {
          LeaderElectionRecord r = resourceLock.get().record();
          holder = (r.holderIdentity().isEmpty() ? "(none: released)" : r.holderIdentity())
              + " (transitions " + r.leaderTransitions() + ")";
          lastProblem = null;
        } catch (RecordNotFoundException e) {
          holder = "(no record yet)";
        } catch (LockException e) {
          if (!e.getMessage().equals(lastProblem)) {
            Console.say("cannot read " + resourceLock.describe() + ": " + e.getMessage() + "; retrying");
            lastProblem = e.getMessage();
          }
          holder = null;
        }
        if (holder != null && !holder.equals(last)) {
          spec.commandLine().getOut().println(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
              + " holder " + holder);
          spec.commandLine().getOut().flush();
          last = holder;
          if (++seen >= changes && changes > 0) {
            return ExitCodes.OK;
          }
        }
        wake.poll(interval.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        wake.clear();
      }
    } finally {
      if (recordWatch != null) {
        recordWatch.close();
      }
    }
  }

  /** The record as an aligned two-column table. */
  static String table(String lock, LeaderElectionRecord r, Instant now) {
    Map<String, String> rows = rows(lock, r, now);
    int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
    StringBuilder b = new StringBuilder();
    rows.forEach((k, v) -> b.append(String.format("%-" + width + "s  %s%n", k, v)));
    return b.toString();
  }

  private static Map<String, String> rows(String lock, LeaderElectionRecord r, Instant now) {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("lock", lock);
    rows.put("holder", r.holderIdentity().isEmpty() ? "(none: released)" : r.holderIdentity());
    rows.put("lease duration", r.leaseDurationSeconds() + " s");
    rows.put("acquired", r.acquireTime() == null ? "-" : r.acquireTime() + " (" + ago(r.acquireTime(), now) + ")");
    rows.put("renewed", r.renewTime() == null ? "-" : r.renewTime() + " (" + ago(r.renewTime(), now) + ")");
    rows.put("transitions", Integer.toString(r.leaderTransitions()));
    rows.put("expired", expired(r, now) ? "yes (by the wall clock)" : "no (by the wall clock)");
    return rows;
  }

  /** The record as JSON, with times and the wall-clock expiry estimate. */
  static String json(String lock, LeaderElectionRecord r, Instant now) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lock", lock);
    body.put("holderIdentity", r.holderIdentity());
    body.put("leaseDurationSeconds", r.leaseDurationSeconds());
    body.put("acquireTime", r.acquireTime() == null ? null : r.acquireTime().toString());
    body.put("renewTime", r.renewTime() == null ? null : r.renewTime().toString());
    body.put("leaderTransitions", r.leaderTransitions());
    body.put("renewedSecondsAgo", r.renewTime() == null ? null : Duration.between(r.renewTime(), now).toMillis() / 1000.0);
    body.put("expiredByWallClock", expired(r, now));
    return JSON.writeValueAsString(body) + System.lineSeparator();
  }

  private static boolean expired(LeaderElectionRecord r, Instant now) {
    return r.holderIdentity().isEmpty() || r.renewTime() == null
        || r.renewTime().plusSeconds(r.leaseDurationSeconds()).isBefore(now);
  }

  static String ago(Instant then, Instant now) {
    Duration d = Duration.between(then, now);
    if (d.isNegative()) {
      return "in " + human(d.negated());
    }
    return human(d) + " ago";
  }

  private static String human(Duration d) {
    long s = d.getSeconds();
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return s / 60 + " min";
    }
    if (s < 172_800) {
      return s / 3600 + " h";
    }
    return s / 86_400 + " d";
  }
}
