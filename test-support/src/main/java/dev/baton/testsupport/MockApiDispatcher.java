package dev.baton.testsupport;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/**
 * fabric8's CRUD dispatcher, with each watch's event writes handed to the server's event loop
 * instead of awaited on the watch's send thread.
 *
 * <p>fabric8 8.0's mock server has two faults around the end of a watch, both from one design: each
 * watch ({@code WatchEventsListener}) sends its events on a thread of its own, and that send blocks
 * ({@code VertxMockWebSocket.awaitWrite}, up to 30 s) until the server's event loop has written it
 * (it returns at once only on a vert.x context thread). The server handles all its requests and
 * websockets on one event loop.
 * <ol>
 *   <li>A deadlock for up to 30 s: {@code WatchEventsListener.onClosed} and {@code onFailure} run on
 *       the event loop and wait ({@code executor.awaitTermination}) for the watch's send task, which
 *       waits for a write only that same event loop can make. Every request stalls meanwhile (a
 *       thread dump shows {@code vert.x-eventloop-thread-0} in {@code WatchEventsListener.onClosed}
 *       and the send task in {@code awaitWrite}).
 *   <li>A request left without an answer: {@code onClosed} and {@code onFailure} shut the watch's
 *       send executor down first and take the watch out of the dispatcher's watch list only after
 *       {@code awaitTermination}. A create, update or delete that the watch selects and that the
 *       dispatcher handles in between schedules its event on the shut-down executor: the
 *       {@code RejectedExecutionException} escapes the request handler (vert.x logs "Unhandled
 *       exception" from {@code WatchEventsListener.scheduleSend} under {@code
 *       KubernetesCrudDispatcher.processEvent}), the object is already stored, and the response is
 *       never written; the client times out (10 s). A thread dump meanwhile shows nothing blocked: the
 *       caller waits for the answer, the event loop idles in {@code EPoll.wait}. Only another thread than the event loop can run
 *       inside that window, so this happens when {@code onClosed} runs off the event loop (as an
 *       earlier version of this class ran it, to escape the deadlock).
 * </ol>
 * The Kubernetes locks close watches while their objects are written (the last lock of a shared
 * watch closes it right after the event it waited for; a watch by name goes once the shared watch
 * sees the object labelled), so tests on the mock server hit both. A real API server has neither
 * fault: it answers a write whatever its watches do.
 *
 * <p>Here each watch's websocket is wrapped: a send or close from the watch's send thread is run on
 * the event loop (in order, through the websocket's vert.x context), where the write returns at once
 * ({@code awaitWrite} does not wait on a context thread); on the event loop it runs directly. So a
 * send task never blocks, {@code onClosed} and {@code onFailure} run where the server runs them (on
 * the event loop, one request or websocket event at a time, so no request sees a watch half closed),
 * and their {@code awaitTermination} waits only for a send task that hands its write over. What the
 * watch sends and when it closes are unchanged.
 */
public class MockApiDispatcher extends KubernetesCrudDispatcher {
  @Override
  public MockResponse handleWatch(String path) {
    MockResponse response = super.handleWatch(path);
    WebSocketListener listener = response.getWebSocketListener();
    return listener == null ? response : response.withWebSocketUpgrade(new WritingOnLoop(listener));
  }

  /** Delegates every callback, with the websocket wrapped so that its writes never block a thread. */
  private static final class WritingOnLoop extends WebSocketListener {
    private final WebSocketListener delegate;
    /** The websocket as the delegate sees it. */
    private volatile LoopWebSocket socket;

    WritingOnLoop(WebSocketListener delegate) {
      this.delegate = delegate;
    }

    /**
     * The wrapper of {@code webSocket} (the server passes the same one to every callback), made at the
     * first callback: on the event loop, so that its vert.x context is the current one.
     */
    private WebSocket wrap(WebSocket webSocket) {
      LoopWebSocket s = socket;
      if (s == null || s.socket != webSocket) {
        s = new LoopWebSocket(webSocket, Vertx.currentContext());
        socket = s;
      }
      return s;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      delegate.onBeforeAccept(wrap(webSocket), response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      delegate.onOpen(wrap(webSocket), response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(wrap(webSocket), text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      delegate.onMessage(wrap(webSocket), bytes);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      delegate.onMessage(wrap(webSocket), bytes);
    }

    @Override
    public void onPing(WebSocket webSocket, byte[] bytes) {
      delegate.onPing(wrap(webSocket), bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      delegate.onClosing(wrap(webSocket), code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      delegate.onClosed(wrap(webSocket), code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      delegate.onFailure(wrap(webSocket), t, response);
    }
  }

  /**
   * A websocket whose sends and closes run on its vert.x context: directly when called there, else
   * queued to it in call order (a send then answers true, as the mock's own send does on a context
   * thread). Without a context (none was current when it was wrapped) it calls the websocket as is.
   */
  private static final class LoopWebSocket implements WebSocket {
    final WebSocket socket;
    private final Context context;

    LoopWebSocket(WebSocket socket, Context context) {
      this.socket = socket;
      this.context = context;
    }

    private boolean onLoop(BooleanSupplier write) {
      if (context == null || Vertx.currentContext() != null) {
        return write.getAsBoolean();
      }
      context.runOnContext(v -> write.getAsBoolean());
      return true;
    }

    @Override
    public RecordedRequest request() {
      return socket.request();
    }

    @Override
    public boolean send(String text) {
      return onLoop(() -> socket.send(text));
    }

    @Override
    public boolean send(byte[] bytes) {
      return onLoop(() -> socket.send(bytes));
    }

    @Override
    public boolean close(int code, String reason) {
      return onLoop(() -> socket.close(code, reason));
    }
  }
}
