package dev.baton.spring.boot.sample;

import dev.baton.spring.boot.LeadershipGrantedEvent;
import dev.baton.spring.boot.LeadershipRevokedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Reacts to leadership changes. */
@Component
public class LeadershipLog {
  private static final Logger LOG = LoggerFactory.getLogger(LeadershipLog.class);

  // tag::events[]
  @EventListener
  void onGranted(LeadershipGrantedEvent event) {
    LOG.info("{} leads now, fencing token {}, valid for at least {}",
        event.identity(), event.fencingToken(), event.validFor());
  }

  @EventListener
  void onRevoked(LeadershipRevokedEvent event) {
    // Runs before the lock is released: stop leader-only work here.
    LOG.info("{} no longer leads (term {} ended)", event.identity(), event.fencingToken());
  }
  // end::events[]
}
