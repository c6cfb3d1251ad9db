package dev.baton.lock.etcd;

import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/** Turns jetcd's futures and exceptions into the api's typed outcomes. */
final class EtcdErrors {
  private EtcdErrors() {
  }

  /**
   * Starts a jetcd call and waits for it, bounded by {@code timeout}; a failure to start it is
   * translated too.
   *
   * @throws TransientLockException when etcd cannot be reached in time
   * @throws LockException when etcd refuses the call (authentication, permission, TLS)
   */
  static <T> T await(Supplier<CompletableFuture<T>> start, Duration timeout, String what, String lock, String endpoints)
      throws LockException {
    CompletableFuture<T> call;
    try {
      call = start.get();
    } catch (RuntimeException e) {
      throw translate(e, what, lock, endpoints);
    }
    try {
      return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new TransientLockException(lock, "etcd at " + endpoints + " did not answer the " + what + " within "
          + timeout, e);
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new TransientLockException(lock, "interrupted during the " + what + " on etcd at " + endpoints, e);
    } catch (ExecutionException | CompletionException e) {
      throw translate(e.getCause() == null ? e : e.getCause(), what, lock, endpoints);
    }
  }

  static LockException translate(Throwable failure, String what, String lock, String endpoints) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return new LockException(lock, "the TLS handshake with etcd at " + endpoints + " failed during the " + what
            + ": " + t.getMessage() + "; check etcd.tls.ca, etcd.tls.cert and etcd.tls.key", failure);
      }
    }
    Status.Code code = statusCode(failure);
    String detail = failure.getMessage();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("authentication is not enabled")) {
        return new LockException(lock, "authentication is not enabled on the etcd at " + endpoints + ", but etcd.user "
            + "and etcd.password were given: remove them, or enable authentication on the server (etcdctl auth enable)",
            failure);
      }
    }
    if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED
        || (detail != null && (detail.contains("authentication failed") || detail.contains("invalid auth token")
        || detail.contains("user name is empty") || detail.contains("permission denied")))) {
      return new LockException(lock, "etcd at " + endpoints + " refused the " + what + ": " + detail
          + "; check etcd.user and etcd.password and the user's role", failure);
    }
    if (code == Status.Code.INVALID_ARGUMENT || code == Status.Code.FAILED_PRECONDITION
        || code == Status.Code.OUT_OF_RANGE || code == Status.Code.UNIMPLEMENTED) {
      return new LockException(lock, "etcd at " + endpoints + " rejected the " + what + ": " + detail, failure);
    }
    return new TransientLockException(lock, "etcd at " + endpoints + " failed the " + what + ": " + detail, failure);
  }

  private static Status.Code statusCode(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof EtcdException e) {
        return Status.fromCodeValue(codeValue(e)).getCode();
      }
      if (t instanceof StatusRuntimeException s) {
        return s.getStatus().getCode();
      }
    }
    return Status.Code.UNKNOWN;
  }

  private static int codeValue(EtcdException e) {
    return Status.Code.valueOf(e.getErrorCode().name()).value();
  }
}
