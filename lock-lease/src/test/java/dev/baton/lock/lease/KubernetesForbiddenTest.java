package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.testsupport.MockApiDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A Role that lacks a verb: the error names the verb, the resource and the namespace. */
class KubernetesForbiddenTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  static KubernetesApi api;

  /** The CRUD dispatcher, refusing every update as an API server does for a Role without 'update'. */
  static final class NoUpdateDispatcher extends MockApiDispatcher {
    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
      return new MockResponse().setResponseCode(403).setHeader("Content-Type", "application/json").setBody("{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\","
          + "\"message\":\"leases.coordination.k8s.io \\\"app\\\" is forbidden: User \\\"system:serviceaccount:ops:app\\\" "
          + "cannot update resource \\\"leases\\\" in API group \\\"coordination.k8s.io\\\" in the namespace \\\"ops\\\"\","
          + "\"reason\":\"Forbidden\",\"code\":403}");
    }
  }

  @BeforeAll
  static void start() {
    api = KubernetesApi.mock(new NoUpdateDispatcher());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  @DisplayName("An update the Role does not allow names the verb 'update', the resource leases.coordination.k8s.io and the namespace")
  void forbiddenUpdate() throws Exception {
    LeaseLock lock = new LeaseLock(api.client(), false, "ops", "app", ResourceLockConfig.of("me"), Map.of());
    lock.create(LeaderElectionRecord.of("me", 15, T, T, 0));
    LockException e = assertThrows(LockException.class, () -> lock.update(LeaderElectionRecord.of("me", 15, T, T.plusSeconds(2), 0)));
    assertFalse(e instanceof TransientLockException, "a missing permission is not transient: " + e);
    String m = e.getMessage();
    assertTrue(m.contains("HTTP 403: leases.coordination.k8s.io \"app\" is forbidden"), m);
    assertTrue(m.contains("must allow the verb 'update' on 'leases.coordination.k8s.io' in namespace ops"), m);
    assertTrue(m.contains("see the RBAC example in the lock-lease README"), m);
  }
}
