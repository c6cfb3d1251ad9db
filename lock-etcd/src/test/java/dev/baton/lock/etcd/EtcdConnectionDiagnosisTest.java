package dev.baton.lock.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.baton.testkit.fixture.FreePorts;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each way an endpoint fails to be etcd gets its own sentence, as an operator would find out by hand. */
class EtcdConnectionDiagnosisTest {
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static EtcdServer etcd;

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    etcd.close();
  }

  /**
   * A loopback server that accepts one connection, writes {@code firstBytes} and then holds the
   * connection open, silent, until the server socket is closed (the test's end).
   */
  private static ServerSocket holdingServer(byte[] firstBytes) throws java.io.IOException {
    ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Thread holder = new Thread(() -> {
      try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
        out.write(firstBytes);
        out.flush();
        s.getInputStream().transferTo(OutputStream.nullOutputStream());   // until the client goes away
      } catch (java.io.IOException ignored) {
        // closed by the test
      }
    }, "holding-server");
    holder.setDaemon(true);
    holder.start();
    return server;
  }

  private static String explain(String url) {
    return EtcdConnectionDiagnosis.explain(URI.create(url), TIMEOUT);
  }

  @Test
  @DisplayName("A port where nothing listens: connection refused")
  void refused() {
    int port = FreePorts.one();
    assertEquals("127.0.0.1:" + port + ": connection refused (nothing listens there)", explain("http://127.0.0.1:" + port));
  }

  @Test
  @DisplayName("A name that does not resolve: unknown host")
  void unknownHost() {
    assertEquals("no-such-host.invalid:2379: unknown host 'no-such-host.invalid' (the name does not resolve)",
        explain("http://no-such-host.invalid:2379"));
  }

  @Test
  @DisplayName("A port that accepts and never answers: a silent port")
  void silent() throws Exception {
    try (ServerSocket silent = holdingServer(new byte[0])) {
      String found = explain("http://127.0.0.1:" + silent.getLocalPort());
      assertTrue(found.endsWith("the connection opens, but nothing answers (a silent port, or a server that waits for TLS)"), found);
    }
  }

  @Test
  @DisplayName("A plain HTTP server that is not etcd is named as such")
  void notEtcd() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", exchange -> {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    http.start();
    try {
      String found = explain("http://127.0.0.1:" + http.getAddress().getPort());
      assertTrue(found.contains("an HTTP server answers, but it is not etcd (HTTP/1.1 404"), found);
    } finally {
      http.stop(0);
    }
  }

  @Test
  @DisplayName("A server that answers in TLS to plaintext: use https://")
  void tlsServer() throws Exception {
    // A TLS alert record, as a TLS server answers a plaintext request.
    try (ServerSocket tls = holdingServer(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46})) {
      String found = explain("http://127.0.0.1:" + tls.getLocalPort());
      assertTrue(found.endsWith("the server speaks TLS; use https:// (and etcd.tls.ca) for this endpoint"), found);
    }
  }

  @Test
  @DisplayName("A real etcd over http is recognised with its version; https against it: it speaks plain HTTP")
  void realEtcd() {
    URI endpoint = URI.create(etcd.endpoints().split(",")[0]);
    String found = EtcdConnectionDiagnosis.explain(List.of(endpoint), TIMEOUT);
    assertTrue(found.contains(": etcd answers there (version 3."), found);
    String https = explain("https://" + endpoint.getHost() + ":" + endpoint.getPort());
    assertTrue(https.endsWith("the server does not speak TLS but plain HTTP; use http:// for this endpoint"), https);
  }
}
