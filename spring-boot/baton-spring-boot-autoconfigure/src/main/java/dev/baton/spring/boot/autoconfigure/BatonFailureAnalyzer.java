package dev.baton.spring.boot.autoconfigure;

import org.apiguardian.api.API;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link BatonConfigurationException} at start-up as Spring Boot reports its own
 * configuration errors: what is wrong with which {@code baton.*} property, and what to set.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public class BatonFailureAnalyzer extends AbstractFailureAnalyzer<BatonConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, BatonConfigurationException cause) {
    return new FailureAnalysis(cause.getDescription(), cause.getAction(), cause);
  }
}
