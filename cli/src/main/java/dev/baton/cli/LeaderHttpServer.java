package dev.baton.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.LeaderHealthCheck;
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
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("identity", lock.identity());
        body.put("leader", elector.getLeader());
        body.put("isLeader", elector.isLeader());
        body.put("state", elector.state().name());
        body.put("lock", lock.describe());
        send(exchange, 200, JSON.writeValueAsBytes(body));
      });
      server.createContext("/healthz", exchange -> {
        Optional<String> problem = health.check();
        send(exchange, problem.isEmpty() ? 200 : 500,
            (problem.isEmpty() ? "ok" : problem.get()).getBytes(StandardCharsets.UTF_8));
      });
      server.start();
      return new LeaderHttpServer(server);
    } catch (IOException e) {
      throw new CliException(ExitCodes.SETUP, "cannot serve HTTP on " + address + ": " + e.getMessage(), e);
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", status == 200 && body.length > 0 && body[0] == '{'
        ? "application/json" : "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The base URL, ending with a slash. */
  String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getHostString() + ":" + a.getPort() + "/";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
