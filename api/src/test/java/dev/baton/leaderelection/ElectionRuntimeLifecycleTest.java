package dev.baton.leaderelection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ElectionRuntime: who creates it, who closes it, and what runs while nothing runs")
class ElectionRuntimeLifecycleTest {

  private static final Duration WITHIN = Duration.ofSeconds(10);

  /** Candidates {@code identities} on the record of {@code store}; each records where its callbacks ran. */
  private static List<LeaderElector> electors(ElectionRuntime runtime, SharedRecordStore store, Set<String> callbackThreads,
      String... identities) {
    List<LeaderElector> electors = new ArrayList<>();
    for (String id : identities) {
      electors.add(new LeaderElector(LeaderElectionConfig.builder()
          .lock(store.lock(id))
          .runtime(runtime)
          .leaseDuration(Duration.ofSeconds(4))
          .renewDeadline(Duration.ofSeconds(2))
          .retryPeriod(Duration.ofMillis(500))
          .callbacks(new LeaderCallbacks() {
            @Override
            public void onStartedLeading(LeaderContext context) {
              callbackThreads.add(Thread.currentThread().getName());
            }

            @Override
            public void onStoppedLeading() {
              callbackThreads.add(Thread.currentThread().getName());
            }

            @Override
            public void onNewLeader(String identity) {
              callbackThreads.add(Thread.currentThread().getName());
            }
          })
          .build()));
    }
    return electors;
  }

  /** Starts the electors, waits until one leads and every one has seen it, then cancels them all. */
  private static void electThenStop(List<LeaderElector> electors, Set<String> callbackThreads) throws Exception {
    List<CompletableFuture<Void>> runs = electors.stream().map(LeaderElector::start).toList();
    BatonThreads.await(WITHIN, () -> electors.stream().filter(LeaderElector::isLeader).count() == 1
        && electors.stream().allMatch(e -> !e.getLeader().isEmpty()), () -> "one leader among " + electors);
    BatonThreads.await(WITHIN, () -> !callbackThreads.isEmpty(), () -> "a callback ran");
    electors.forEach(LeaderElector::cancel);
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(WITHIN.toSeconds(), TimeUnit.SECONDS);
  }

  private static Set<Thread> batonThreads() {
    return new HashSet<>(BatonThreads.named("baton-"));
  }

  @Test
  @DisplayName("a builder given a runtime neither creates the shared runtime nor starts a baton thread; build() resolves the shared one only when none was given")
  void builderResolvesTheSharedRuntimeOnlyInBuild() throws Exception {
    // A class loader of its own gives the probe fresh copies of Baton's classes: whether the shared
    // runtime exists there depends only on what the probe did, not on tests run before in this JVM.
    try (IsolatingClassLoader loader = new IsolatingClassLoader()) {
      @SuppressWarnings("unchecked")
      Function<String, Boolean> probe = (Function<String, Boolean>) loader.loadClass(ConfigBuildProbe.class.getName())
          .getDeclaredConstructor().newInstance();
      Set<Thread> before = batonThreads();

      assertFalse(probe.apply("explicit"), "building with an explicit runtime created the shared runtime");
      Set<Thread> started = batonThreads();
      started.removeAll(before);
      assertEquals(Set.of(), started, "building with an explicit runtime started baton threads");

      assertTrue(probe.apply("default"), "building without a runtime must resolve the shared one in build()");
    }
  }

  @Test
  @DisplayName("closing a runtime from ElectionRuntime.create() shuts its pools down: its threads end and it accepts no more work")
  void closingACreatedRuntimeShutsDownItsPools() throws Exception {
    String prefix = "baton-close-test-";
    SystemElectionRuntime runtime = SystemElectionRuntime.createOwned(prefix, Duration.ofSeconds(30));
    SharedRecordStore store = new SharedRecordStore();
    Set<String> callbackThreads = ConcurrentHashMap.newKeySet();
    electThenStop(electors(runtime, store, callbackThreads, "a", "b"), callbackThreads);
    assertFalse(callbackThreads.isEmpty(), "no callback ran");
    assertTrue(callbackThreads.stream().allMatch(n -> n.startsWith(prefix + "callback-")), "callbacks ran on " + callbackThreads);
    assertFalse(store.callingThreads().isEmpty(), "no lock call ran");
    assertTrue(store.callingThreads().stream().allMatch(n -> n.startsWith(prefix + "lock-call-")),
        "lock calls ran on " + store.callingThreads());
    assertFalse(BatonThreads.named(prefix).isEmpty(), "the runtime's threads, idle for less than 30 s, are still there");

    runtime.close();

    BatonThreads.awaitGone(prefix, WITHIN);
    assertThrows(RejectedExecutionException.class, () -> runtime.schedule(Duration.ZERO, () -> { }));
    assertThrows(RejectedExecutionException.class, () -> runtime.callbackExecutor().execute(() -> { }));
    runtime.close(); // closing twice does nothing more
    assertTrue(runtime.isShutdown());
  }

  @Test
  @DisplayName("ElectionRuntime.create() numbers its threads baton-<n>-* and close() ends them")
  void createdRuntimesHaveTheirOwnThreads() throws Exception {
    ElectionRuntime runtime = ElectionRuntime.create();
    CountDownLatch ran = new CountDownLatch(1);
    String[] thread = new String[1];
    runtime.schedule(Duration.ZERO, () -> {
      thread[0] = Thread.currentThread().getName();
      ran.countDown();
    });
    assertTrue(ran.await(WITHIN.toSeconds(), TimeUnit.SECONDS));
    assertTrue(thread[0].matches("baton-\\d+-timer-\\d+"), "timer thread " + thread[0]);
    String prefix = thread[0].substring(0, thread[0].indexOf("timer-"));
    runtime.close();
    BatonThreads.awaitGone(prefix, WITHIN);
  }

  @Test
  @DisplayName("a runtime on the application's executors runs the elector on them, and closing it leaves them running")
  void closingARuntimeOnApplicationExecutorsLeavesThemRunning() throws Exception {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "app-timer"));
    timer.setRemoveOnCancelPolicy(true);
    ExecutorService lockCalls = Executors.newFixedThreadPool(2, r -> new Thread(r, "app-lock-call"));
    ExecutorService callbacks = Executors.newCachedThreadPool(r -> new Thread(r, "app-callback"));
    try {
      Set<Thread> before = batonThreads();
      ElectionRuntime runtime = ElectionRuntime.create(timer, lockCalls, callbacks);
      SharedRecordStore store = new SharedRecordStore();
      Set<String> callbackThreads = ConcurrentHashMap.newKeySet();
      electThenStop(electors(runtime, store, callbackThreads, "a", "b"), callbackThreads);
      assertEquals(Set.of("app-callback"), callbackThreads);
      assertEquals(Set.of("app-lock-call"), store.callingThreads());
      Set<Thread> started = batonThreads();
      started.removeAll(before);
      assertEquals(Set.of(), started, "a runtime on the application's executors started baton threads");

      runtime.close();

      assertFalse(timer.isShutdown() || lockCalls.isShutdown() || callbacks.isShutdown(),
          "closing the runtime shut an application executor down");
      assertEquals("app-timer", timer.schedule(() -> Thread.currentThread().getName(), 0, TimeUnit.SECONDS)
          .get(WITHIN.toSeconds(), TimeUnit.SECONDS));
      assertEquals("app-lock-call", lockCalls.submit(() -> Thread.currentThread().getName())
          .get(WITHIN.toSeconds(), TimeUnit.SECONDS));
      assertEquals("app-callback", callbacks.submit(() -> Thread.currentThread().getName())
          .get(WITHIN.toSeconds(), TimeUnit.SECONDS));
    } finally {
      timer.shutdownNow();
      lockCalls.shutdownNow();
      callbacks.shutdownNow();
    }
  }

  @Test
  @DisplayName("closing the shared system runtime does nothing: it goes on running tasks")
  void closingTheSystemRuntimeDoesNothing() throws Exception {
    ElectionRuntime system = ElectionRuntime.system();
    system.close();
    CountDownLatch ran = new CountDownLatch(1);
    system.schedule(Duration.ZERO, ran::countDown);
    assertTrue(ran.await(WITHIN.toSeconds(), TimeUnit.SECONDS), "the system runtime stopped running tasks after close()");
    assertFalse(((SystemElectionRuntime) system).isShutdown());
  }

  @Test
  @DisplayName("after the last elector stopped, the timer falls still (nothing scheduled, no task runs) and every baton thread ends")
  void anIdleRuntimeHasNothingScheduledAndNoThreads() throws Exception {
    String prefix = "baton-idle-test-";
    Duration idle = Duration.ofMillis(200);
    SystemElectionRuntime runtime = SystemElectionRuntime.createOwned(prefix, idle);
    try {
      SharedRecordStore store = new SharedRecordStore();
      Set<String> callbackThreads = ConcurrentHashMap.newKeySet();
      electThenStop(electors(runtime, store, callbackThreads, "a", "b", "c"), callbackThreads);

      // The last steps of the runs may still have a task or two on the timer; then it must fall
      // still. A periodic check (every 50 ms before this change) never lets it.
      long deadline = System.nanoTime() + WITHIN.toNanos();
      boolean still = false;
      while (!still && System.nanoTime() - deadline < 0) {
        long tasksRun = runtime.timerTasksRun();
        Thread.sleep(300);
        still = runtime.timerTasksRun() == tasksRun && runtime.scheduledTasks() == 0;
      }
      assertTrue(still, "timer tasks still ran, or were scheduled (" + runtime.scheduledTasks() + "), " + WITHIN
          + " after every elector stopped");
      BatonThreads.awaitGone(prefix, WITHIN);
    } finally {
      runtime.close();
    }
  }

  /** Loads Baton's classes (main and test) itself, everything else from the test's class loader. */
  private static final class IsolatingClassLoader extends URLClassLoader {
    IsolatingClassLoader() {
      super(new URL[] {location(LeaderElectionConfig.class), location(ConfigBuildProbe.class)},
          ElectionRuntimeLifecycleTest.class.getClassLoader());
    }

    private static URL location(Class<?> c) {
      return c.getProtectionDomain().getCodeSource().getLocation();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("dev.baton.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
