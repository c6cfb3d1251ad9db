package dev.baton.leaderelection;

import java.util.Objects;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * What the elector calls as leadership comes and goes (client-go's {@code LeaderCallbacks}).
 *
 * <p>Baton's guarantees, stronger than client-go's:
 * <ul>
 *   <li>{@link #onStartedLeading} runs only after the write that made this candidate the holder
 *       succeeded.</li>
 *   <li>Calls never overlap: {@link #onStoppedLeading} starts only after {@link #onStartedLeading}
 *       returned (or {@code leaseDuration} passed since its context was cancelled), and the next
 *       {@link #onStartedLeading} only after {@link #onStoppedLeading} returned.</li>
 *   <li>As in client-go, {@link #onStoppedLeading} runs on every end of a run, also when this
 *       candidate never led in it.</li>
 * </ul>
 * Callbacks run on the runtime's callback threads, never on the elector's timer threads.
 *
 * <p>Implement the interface, or build the callbacks from lambdas, starting with the one every
 * elector needs:
 * <pre>{@code
 * LeaderCallbacks callbacks = LeaderCallbacks.onStartedLeading(term -> work(term))
 *     .onStoppedLeading(() -> log.info("no longer leading"))
 *     .onNewLeader(id -> log.info("leader is now {}", id));
 * }</pre>
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface LeaderCallbacks {

  /**
   * This candidate became the leader. Do the leader's work here or start it from here; stop it
   * when {@code context} is cancelled ({@link LeaderContext#isLeading()} turns false). Returning
   * early is allowed: leadership goes on until it is lost, cancelled or stepped down.
   *
   * @param context the term's context, with its fencing token
   */
  void onStartedLeading(LeaderContext context);

  /** A run of the elector ended (after leading, or without having led). */
  void onStoppedLeading();

  /**
   * The observed holder changed, including the first holder observed and a change to
   * {@code ""} (released). Called in order, on a callback thread; must return quickly.
   *
   * @param identity the new holder, {@code ""} when the lock was released
   */
  default void onNewLeader(String identity) {
  }

  /**
   * Callbacks made of functions, starting with the leader's work; add the others with
   * {@link Functions#onStoppedLeading(Runnable)} and {@link Functions#onNewLeader(Consumer)}.
   * Until they are added, those two do nothing.
   *
   * @param onStartedLeading called with the term's context when this candidate becomes the leader
   * @return callbacks that call {@code onStartedLeading}
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  static Functions onStartedLeading(Consumer<? super LeaderContext> onStartedLeading) {
    return new Functions(Objects.requireNonNull(onStartedLeading, "onStartedLeading"), () -> { }, identity -> { });
  }

  /**
   * Callbacks made of three functions, built with {@link LeaderCallbacks#onStartedLeading(Consumer)}.
   * Immutable: each {@code on...} method returns new callbacks with that function replaced.
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  final class Functions implements LeaderCallbacks {
    private final Consumer<? super LeaderContext> started;
    private final Runnable stopped;
    private final Consumer<? super String> newLeader;

    private Functions(Consumer<? super LeaderContext> started, Runnable stopped,
        Consumer<? super String> newLeader) {
      this.started = started;
      this.stopped = stopped;
      this.newLeader = newLeader;
    }

    /**
     * These callbacks with another function for the end of a run.
     *
     * @param onStoppedLeading called when a run of the elector ends
     * @return new callbacks; these are unchanged
     */
    public Functions onStoppedLeading(Runnable onStoppedLeading) {
      return new Functions(started, Objects.requireNonNull(onStoppedLeading, "onStoppedLeading"), newLeader);
    }

    /**
     * These callbacks with another function for a change of the observed holder.
     *
     * @param onNewLeader called with the new holder ({@code ""} when released); must return quickly
     * @return new callbacks; these are unchanged
     */
    public Functions onNewLeader(Consumer<? super String> onNewLeader) {
      return new Functions(started, stopped, Objects.requireNonNull(onNewLeader, "onNewLeader"));
    }

    @Override
    public void onStartedLeading(LeaderContext context) {
      started.accept(context);
    }

    @Override
    public void onStoppedLeading() {
      stopped.run();
    }

    @Override
    public void onNewLeader(String identity) {
      newLeader.accept(identity);
    }
  }
}
