package dev.baton.spring.boot.sample;

import dev.baton.leaderelection.LeaderContext;
import dev.baton.spring.boot.LeaderLifecycle;
import java.time.Duration;
import org.springframework.stereotype.Component;

// tag::leader-lifecycle[]
/** Work on its own thread that runs only while this instance leads. */
@Component
public class QueueDrainer implements LeaderLifecycle {
  private final FencedStore store;
  private Thread worker;

  QueueDrainer(FencedStore store) {
    this.store = store;
  }

  @Override
  public synchronized void startLeading(LeaderContext term) {
    worker = new Thread(() -> {
      try {
        while (term.isLeading()) {                       // false once the term's deadline passed
          store.write("item", term.fencingToken());      // refused if a newer leader already wrote
          term.awaitCancellation(Duration.ofMillis(200));
        }
      } catch (InterruptedException e) {
        // stopLeading() asked us to stop
      }
    }, "queue-drainer");
    worker.start();
  }

  @Override
  public synchronized void stopLeading() {               // runs before the lock is released
    worker.interrupt();
    try {
      worker.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
// end::leader-lifecycle[]
