package dev.baton.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.LeaderHealthCheck;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/** The sidecar endpoints of {@code baton run --http}: {@code GET /leader} and {@code GET /healthz}. */
final class LeaderHttpServer implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpServer server;

  private LeaderHttpServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts serving.
   *
   * @param address {@code HOST:PORT}; port 0 picks a free one
   */
  static LeaderHttpServer start(String address, LeaderElector elector, LeaderHealthCheck health, ResourceLock lock) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new CliException(ExitCodes.USAGE, "--http '" + address + "' must be HOST:PORT, such as 127.0.0.1:8080", null);
    }
    String host = address.substring(0, colon).isEmpty() ? "0.0.0.0" : address.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new CliException(ExitCodes.USAGE, "--http '" + address + "' has no port number", e);
    }
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
      server.createContext("/leader", exchange -> {
        if (!allowed(exchange, "/leader")) {
          return;
        }
        send(exchange, 200, JSON.writeValueAsBytes(leaderBody(elector, lock)));
      });
      server.createContext("/healthz", exchange -> {
        if (!allowed(exchange, "/healthz")) {
          return;
        }
        Optional<String> problem = health.check();
        send(exchange, problem.isEmpty() ? 200 : 500,
            (problem.isEmpty() ? "ok" : problem.get()).getBytes(StandardCharsets.UTF_8));
      });
      server.createContext("/", exchange -> send(exchange, 404,
          ("not found: " + exchange.getRequestURI().getPath() + "; try GET /leader or GET /healthz")
              .getBytes(StandardCharsets.UTF_8)));
      server.start();
      return new LeaderHttpServer(server);
    } catch (IOException e) {
      throw new CliException(ExitCodes.SETUP, "cannot serve HTTP on " + address + ": " + e.getMessage(), e);
    }
  }

  /** The JSON of {@code GET /leader}: who leads, this candidate's term and the lease times last observed. */
  static Map<String, Object> leaderBody(LeaderElector elector, ResourceLock lock) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("identity", lock.identity());
    body.put("leader", elector.getLeader());
    body.put("isLeader", elector.isLeader());
    body.put("state", elector.state().name());
    body.put("lock", lock.describe());
    Optional<LeaderContext> term = elector.currentTerm();
    body.put("fencingToken", term.map(LeaderContext::fencingToken).orElse(null));
    body.put("validForMillis", term.map(t -> t.validFor().toMillis()).orElse(null));
    Optional<LeaderElectionRecord> record = elector.observedRecord();
    body.put("leaseDurationSeconds", record.map(LeaderElectionRecord::leaseDurationSeconds).orElse(null));
    body.put("acquireTime", record.map(LeaderElectionRecord::acquireTime).map(Object::toString).orElse(null));
    body.put("renewTime", record.map(LeaderElectionRecord::renewTime).map(Object::toString).orElse(null));
    body.put("leaderTransitions", record.map(LeaderElectionRecord::leaderTransitions).orElse(null));
    return body;
  }

  /** Answers 404 below a known path and 405 to a method other than GET or HEAD. */
  private static boolean allowed(HttpExchange exchange, String path) throws IOException {
    if (!exchange.getRequestURI().getPath().equals(path)) {
      send(exchange, 404, ("not found: " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8));
      return false;
    }
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().add("Allow", "GET, HEAD");
      send(exchange, 405, (method + " is not allowed on " + path + "; use GET").getBytes(StandardCharsets.UTF_8));
      return false;
    }
    return true;
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", status == 200 && body.length > 0 && body[0] == '{'
        ? "application/json" : "text/plain; charset=utf-8");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(body);
      }
    }
  }

  /** The base URL, ending with a slash; a wildcard address is shown as loopback, where the URL works. */
  String url() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress() != null && a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
