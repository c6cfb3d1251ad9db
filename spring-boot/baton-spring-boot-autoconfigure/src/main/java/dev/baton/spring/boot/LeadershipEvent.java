package dev.baton.spring.boot;

import dev.baton.leaderelection.LeaderContext;
import java.util.Objects;
import org.apiguardian.api.API;
import org.springframework.context.ApplicationEvent;

/**
 * A change of this instance's leadership, published by {@link Leadership} on the elector's callback
 * thread. Listeners run before the elector goes on, so they must return quickly.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public abstract class LeadershipEvent extends ApplicationEvent {
  private static final long serialVersionUID = 1L;

  private final transient LeaderContext term;

  /**
   * @param source the leadership that changed
   * @param term the term that began or ended
   */
  protected LeadershipEvent(Leadership source, LeaderContext term) {
    super(source);
    this.term = Objects.requireNonNull(term, "term");
  }

  /** The term that began or ended: fencing token, validity, cancellation. */
  public LeaderContext term() {
    return term;
  }

  /** This instance's identity. */
  public String identity() {
    return term.identity();
  }

  /** The term's fencing token: pass it with every write the leader makes, so late writes can be refused. */
  public long fencingToken() {
    return term.fencingToken();
  }

  /** The leadership that changed. */
  public Leadership leadership() {
    return (Leadership) getSource();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + term + "}";
  }
}
