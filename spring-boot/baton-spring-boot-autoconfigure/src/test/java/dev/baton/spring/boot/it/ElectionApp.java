package dev.baton.spring.boot.it;

import dev.baton.leaderelection.LeaderContext;
import dev.baton.spring.boot.LeaderLifecycle;
import dev.baton.spring.boot.LeaderScheduled;
import dev.baton.spring.boot.Leadership;
import dev.baton.spring.boot.LeadershipGrantedEvent;
import dev.baton.spring.boot.LeadershipRevokedEvent;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The application the real-context tests run twice on one lock: a leader-only scheduled method, a
 * plain one, event listeners and two ordered {@link LeaderLifecycle}s, all reporting to a
 * {@link Recorder} shared between the contexts.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableScheduling
class ElectionApp {

  static ConfigurableApplicationContext start(Recorder recorder, Map<String, Object> properties,
      Consumer<GenericApplicationContext> extraBeans) {
    return new SpringApplicationBuilder(ElectionApp.class)
        .web(WebApplicationType.NONE)
        .properties(Map.of("spring.main.banner-mode", "off", "spring.main.log-startup-info", "false",
            "spring.main.register-shutdown-hook", "false"))
        .properties(properties)
        .initializers(context -> {
          context.getBeanFactory().registerSingleton("recorder", recorder);
          extraBeans.accept((GenericApplicationContext) context);
        })
        .run();
  }

  @Bean
  Work work(Recorder recorder, Leadership leadership) {
    return new Work(recorder, leadership);
  }

  @Bean
  @Order(1)
  LeaderLifecycle first(Recorder recorder, Leadership leadership) {
    return new Noting(recorder, leadership, "first");
  }

  @Bean
  @Order(2)
  LeaderLifecycle second(Recorder recorder, Leadership leadership) {
    return new Noting(recorder, leadership, "second");
  }

  /** Notes its start and stop, and whether the record still named this instance at its stop. */
  record Noting(Recorder recorder, Leadership leadership, String name) implements LeaderLifecycle {
    @Override
    public void startLeading(LeaderContext term) {
      recorder.note(leadership.identity(), name + " started", term.fencingToken());
    }

    @Override
    public void stopLeading() {
      recorder.note(leadership.identity(), name + " stopped"
          + (leadership.leader().equals(leadership.identity()) ? " while holding" : " after release"), 0);
    }
  }

  static final class Work {
    private final Recorder recorder;
    private final Leadership leadership;

    Work(Recorder recorder, Leadership leadership) {
      this.recorder = recorder;
      this.leadership = leadership;
    }

    @LeaderScheduled(fixedRate = 20)
    void leaderOnly() {
      leadership.currentTerm().ifPresent(term -> recorder.leaderRun(leadership.identity(), term.fencingToken()));
    }

    @Scheduled(fixedRate = 20)
    void everyone() {
      recorder.plainRun(leadership.identity());
    }

    @EventListener
    void granted(LeadershipGrantedEvent event) {
      recorder.granted(event.identity(), event.term());
    }

    @EventListener
    void revoked(LeadershipRevokedEvent event) {
      recorder.revoked(event.identity(), event.term());
    }
  }
}
