package dev.baton.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;

/**
 * Appends what the candidates' locks did ({@link LockCallLog#report()}) to the failure of a kit test
 * that ran electors, so an elector-group failure such as "no leader of term 2 within PT3.44S" says
 * which calls were made and how each ended. Tests that started no candidate fail as they are.
 */
final class LockCallReport implements TestExecutionExceptionHandler {

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    String report = context.getTestInstances()
        .flatMap(instances -> instances.findInstance(LockConformanceSupport.class))
        .map(LockConformanceSupport::lockCallReport)
        .orElse("");
    if (report.isEmpty()) {
      throw failure;
    }
    if (failure instanceof AssertionError) {
      AssertionFailedError withReport = new AssertionFailedError(failure.getMessage() + "\n" + report, failure.getCause());
      withReport.setStackTrace(failure.getStackTrace());
      for (Throwable s : failure.getSuppressed()) {
        withReport.addSuppressed(s);
      }
      throw withReport;
    }
    failure.addSuppressed(new LockCalls(report));
    throw failure;
  }

  /** Carries the report alongside a failure that is not an assertion (its type and message are kept). */
  static final class LockCalls extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LockCalls(String report) {
      super(report, null, false, false);
    }
  }
}
