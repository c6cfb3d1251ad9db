package dev.baton.lock.lease;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * fabric8's CRUD dispatcher, with the end of each watch taken off the server's event loop.
 *
 * <p>fabric8 8.0's mock server deadlocks for up to 30 s when a client closes (or loses) a watch
 * while an event is being sent on it: {@code WatchEventsListener.onClosed} and {@code onFailure} run
 * on the vert.x event loop and wait ({@code executor.awaitTermination}) for the watch's send task,
 * which waits ({@code VertxMockWebSocket.awaitWrite}, 30 s) for a write only that same event loop can
 * complete. Every request on that event loop stalls meanwhile (a thread dump shows
 * {@code vert.x-eventloop-thread-0} in {@code WatchEventsListener.onClosed} and the send task in
 * {@code awaitWrite}). The Kubernetes locks close watches while their objects are written (a watch
 * by name, once the shared watch sees the object labelled), so tests on the mock server hit it.
 * Here those two callbacks run on a daemon thread instead; what they do is unchanged, and every
 * other callback runs where the server runs it. A real API server has no such problem.
 */
class MockApiDispatcher extends KubernetesCrudDispatcher {
  private static final ExecutorService CLOSER = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "mock-api-watch-close");
    t.setDaemon(true);
    return t;
  });

  @Override
  public MockResponse handleWatch(String path) {
    MockResponse response = super.handleWatch(path);
    WebSocketListener listener = response.getWebSocketListener();
    return listener == null ? response : response.withWebSocketUpgrade(new ClosingOffLoop(listener));
  }

  /** Delegates every callback; the two that block run off the event loop. */
  private static final class ClosingOffLoop extends WebSocketListener {
    private final WebSocketListener delegate;

    ClosingOffLoop(WebSocketListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      delegate.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onPing(WebSocket webSocket, byte[] bytes) {
      delegate.onPing(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      CLOSER.execute(() -> delegate.onClosed(webSocket, code, reason));
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      CLOSER.execute(() -> delegate.onFailure(webSocket, t, response));
    }
  }
}
