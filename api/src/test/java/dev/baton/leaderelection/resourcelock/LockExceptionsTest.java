package dev.baton.leaderelection.resourcelock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("lock exceptions, config and request")
class LockExceptionsTest {

  private static final String LOCK = "default/my-app";

  @Test
  @DisplayName("UpdateConflictException adds the detail in parentheses when there is one")
  void updateConflict() {
    IOException cause = new IOException("409");
    UpdateConflictException e = new UpdateConflictException(LOCK, "resourceVersion 7 != 8", cause);
    assertEquals("lock default/my-app was changed by someone else since it was last read (resourceVersion 7 != 8)",
        e.getMessage());
    assertSame(cause, e.getCause());
    assertEquals(LOCK, e.lockDescription());
    assertEquals("lock default/my-app was changed by someone else since it was last read",
        new UpdateConflictException(LOCK, null, null).getMessage());
    assertEquals("lock default/my-app was changed by someone else since it was last read",
        new UpdateConflictException(LOCK, "", null).getMessage());
  }

  @Test
  @DisplayName("not found and already exists name the lock")
  void notFoundAndAlreadyExists() {
    RecordNotFoundException nf = new RecordNotFoundException(LOCK, null);
    assertEquals("lock default/my-app has no leader election record", nf.getMessage());
    assertNull(nf.getCause());
    RecordAlreadyExistsException ae = new RecordAlreadyExistsException(LOCK, new IOException("exists"));
    assertEquals("lock default/my-app already holds a leader election record", ae.getMessage());
    assertEquals("exists", ae.getCause().getMessage());
    assertEquals(LOCK, ae.lockDescription());
  }

  @Test
  @DisplayName("a transient failure keeps the backend's message, the lock and the cause")
  void transientFailure() {
    IOException cause = new IOException("connection reset");
    TransientLockException e = new TransientLockException(LOCK, "etcd 127.0.0.1:2379 did not answer in 5 s", cause);
    assertEquals("etcd 127.0.0.1:2379 did not answer in 5 s", e.getMessage());
    assertEquals(LOCK, e.lockDescription());
    assertSame(cause, e.getCause());
  }

  @Test
  @DisplayName("a corrupt record names the lock and the problem, and says it is never overwritten")
  void corruptRecord() {
    CorruptRecordException e = new CorruptRecordException(LOCK, "key holderIdentity is missing", null);
    assertEquals("lock default/my-app holds a leader election record that cannot be parsed: key holderIdentity is"
        + " missing. Repair or delete the stored record; Baton never overwrites it.", e.getMessage());
    assertEquals("key holderIdentity is missing", e.problem());
  }

  @Test
  @DisplayName("every lock outcome is a checked LockException; a resolution error is an IllegalArgumentException")
  void hierarchy() {
    List<Exception> outcomes = List.of(new RecordNotFoundException(LOCK, null),
        new RecordAlreadyExistsException(LOCK, null), new UpdateConflictException(LOCK, null, null),
        new CorruptRecordException(LOCK, "p", null), new TransientLockException(LOCK, "m", null));
    for (Exception e : outcomes) {
      assertEquals(LOCK, assertInstanceOf(LockException.class, e).lockDescription());
    }
    LockTypeResolutionException r = new LockTypeResolutionException("what to do");
    assertInstanceOf(IllegalArgumentException.class, r);
    assertEquals("what to do", r.getMessage());
  }

  @Test
  @DisplayName("ResourceLockConfig requires an identity and replaces a null recorder by NONE")
  void config() {
    assertSame(EventRecorder.NONE, ResourceLockConfig.of("pod-1").eventRecorder());
    assertSame(EventRecorder.NONE, new ResourceLockConfig("pod-1", null).eventRecorder());
    assertEquals("pod-1", ResourceLockConfig.of("pod-1").identity());
    assertEquals("identity must not be null: give each candidate a unique identity such as its pod name",
        org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class, () -> ResourceLockConfig.of(null))
            .getMessage());
    List<String> events = new ArrayList<>();
    EventRecorder recorder = (obj, type, reason, fmt, args) -> events.add(type + " " + reason + " " + String.format(fmt, args));
    new ResourceLockConfig("pod-1", recorder).eventRecorder().eventf("lock", EventRecorder.NORMAL, "LeaderElection",
        "%s became leader", "pod-1");
    assertEquals(List.of("Normal LeaderElection pod-1 became leader"), events);
    assertEquals("Warning", EventRecorder.WARNING);
  }

  @Test
  @DisplayName("a request's toString names the lock and never prints a secret setting")
  void requestToString() {
    ResourceLockOptions options = ResourceLockOptions.builder().setting("etcd.password", "hunter2").build();
    ResourceLockRequest request = new ResourceLockRequest("etcd", "ns", "n", ResourceLockConfig.of("pod-1"), options,
        getClass().getClassLoader());
    assertEquals("ResourceLockRequest{etcd ns/n, identity=pod-1, " + options + "}", request.toString());
    assertEquals(-1, request.toString().indexOf("hunter2"));
    assertEquals(java.util.Optional.of("hunter2"), request.setting("etcd.password"));
  }
}
