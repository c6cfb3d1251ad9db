package dev.baton.spring.boot.sample;

import dev.baton.spring.boot.LeaderScheduled;
import dev.baton.spring.boot.Leadership;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** A scheduled job that must run on one instance only. */
@Component
public class ReportJob {
  private static final Logger LOG = LoggerFactory.getLogger(ReportJob.class);

  private final Leadership leadership;
  private final AtomicLong runs = new AtomicLong();

  ReportJob(Leadership leadership) {
    this.leadership = leadership;
  }

  // tag::leader-scheduled[]
  @LeaderScheduled(fixedRate = 5, timeUnit = TimeUnit.SECONDS)
  void publishReport() {
    // Runs only while this instance's term is valid; other instances skip the run.
    leadership.currentTerm().ifPresent(term ->
        LOG.info("publishing the report as {} (fencing token {})", term.identity(), term.fencingToken()));
    runs.incrementAndGet();
  }
  // end::leader-scheduled[]

  /** How often {@link #publishReport()} ran on this instance. */
  public long runs() {
    return runs.get();
  }
}
