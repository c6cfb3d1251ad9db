package dev.baton.leaderelection;

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
 */
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
}
