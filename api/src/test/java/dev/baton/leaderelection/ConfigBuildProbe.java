package dev.baton.leaderelection;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Builds a configuration inside a class loader of its own ({@link ElectionRuntimeLifecycleTest}),
 * where the shared runtime exists only if this build created it; given {@code "explicit"} it
 * passes a runtime of its own, otherwise none. Answers whether the shared runtime now exists.
 */
public final class ConfigBuildProbe implements Function<String, Boolean> {

  @Override
  public Boolean apply(String mode) {
    LeaderElectionConfig.Builder builder = LeaderElectionConfig.builder()
        .lock(new SharedRecordStore().lock("a"))
        .callbacks(new LeaderCallbacks() {
          @Override
          public void onStartedLeading(LeaderContext context) {
          }

          @Override
          public void onStoppedLeading() {
          }
        });
    if (mode.equals("explicit")) {
      builder.runtime(new Unusable());
    }
    LeaderElectionConfig config = builder.build();
    if (!mode.equals("explicit") && config.runtime() != ElectionRuntime.system()) {
      throw new AssertionError("a configuration built without a runtime uses " + config.runtime());
    }
    return SystemElectionRuntime.sharedCreated();
  }

  /** A runtime that a configuration may hold but nothing may use. */
  private static final class Unusable implements ElectionRuntime {
    @Override
    public Instant now() {
      throw new UnsupportedOperationException();
    }

    @Override
    public long nanoTime() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Executor callbackExecutor() {
      throw new UnsupportedOperationException();
    }

    @Override
    public double random() {
      throw new UnsupportedOperationException();
    }
  }
}
