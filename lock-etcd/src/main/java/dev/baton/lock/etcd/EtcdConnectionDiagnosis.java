package dev.baton.lock.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apiguardian.api.API;

/**
 * Why an etcd endpoint does not answer, found out the way an operator would with {@code nc} and
 * {@code curl}: resolve the host, open a TCP connection, and speak a little HTTP or TLS to it. gRPC
 * reports all of these as one "did not answer within the timeout"; this tells them apart:
 * unknown host, connection refused, no answer to the connection, a silent port, TLS against a
 * plaintext server (and the reverse), a server that is not etcd.
 *
 * <p>Meant for the moment a lock cannot reach its store at set-up (the {@code baton} program runs it
 * when its first read fails); it makes network calls of its own, each bounded by the given timeout.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class EtcdConnectionDiagnosis {
  private EtcdConnectionDiagnosis() {
  }

  /**
   * Diagnoses every endpoint, one sentence each.
   *
   * @param endpoints the etcd client URLs
   * @param timeout the bound of each connection attempt and read
   * @return what was found, such as {@code "127.0.0.1:2379: connection refused (nothing listens there)"}
   */
  public static String explain(List<URI> endpoints, Duration timeout) {
    List<String> findings = new ArrayList<>();
    for (URI endpoint : endpoints) {
      findings.add(explain(endpoint, timeout));
    }
    return String.join("; ", findings);
  }

  /**
   * Diagnoses one endpoint.
   *
   * @param endpoint an etcd client URL
   * @param timeout the bound of the connection attempt and of each read
   * @return one sentence, starting with {@code host:port}
   */
  public static String explain(URI endpoint, Duration timeout) {
    String host = endpoint.getHost();
    boolean tls = "https".equalsIgnoreCase(endpoint.getScheme());
    int port = endpoint.getPort() > 0 ? endpoint.getPort() : 2379;
    String where = host + ":" + port;
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return where + ": unknown host '" + host + "' (the name does not resolve)";
    }
    try (Socket socket = new Socket()) {
      try {
        socket.connect(new InetSocketAddress(address, port), millis);
      } catch (ConnectException e) {
        return where + ": connection refused (nothing listens there)";
      } catch (SocketTimeoutException e) {
        return where + ": no answer to the connection within " + millis + " ms (a firewall drops the packets, or the host is down)";
      } catch (NoRouteToHostException e) {
        return where + ": no route to the host";
      }
      socket.setSoTimeout(millis);
      return tls ? overTls(socket, host, port, where, millis) : overPlaintext(socket, host, where);
    } catch (IOException e) {
      return where + ": " + e;
    }
  }

  private static String overPlaintext(Socket socket, String host, String where) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET /version HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    byte[] answer;
    try {
      answer = readSome(socket.getInputStream());
    } catch (SocketTimeoutException e) {
      return where + ": the connection opens, but nothing answers (a silent port, or a server that waits for TLS)";
    }
    if (answer.length == 0) {
      return where + ": the connection opens, then closes without an answer";
    }
    if (answer[0] == 0x15 || answer[0] == 0x16) {
      return where + ": the server speaks TLS; use https:// (and etcd.tls.ca) for this endpoint";
    }
    String text = new String(answer, StandardCharsets.ISO_8859_1);
    if (!text.startsWith("HTTP/")) {
      return where + ": the server answers, but not in HTTP: is this etcd's client port?";
    }
    if (text.contains("etcdserver")) {
      return where + ": etcd answers there (" + version(text) + "): the connection works; the call itself was too slow";
    }
    return where + ": an HTTP server answers, but it is not etcd (" + text.lines().findFirst().orElse("") + ")";
  }

  private static String overTls(Socket socket, String host, int port, String where, int millis) throws IOException {
    SSLSocket ssl;
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustAnything()}, new SecureRandom());
      ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
    } catch (java.security.GeneralSecurityException e) {
      return where + ": cannot try TLS here: " + e.getMessage();
    }
    try {
      ssl.startHandshake();
    } catch (SocketTimeoutException e) {
      return where + ": the connection opens, but the TLS handshake gets no answer";
    } catch (SSLException e) {
      String m = String.valueOf(e.getMessage());
      // etcd closes a plaintext port on a TLS hello: ask it in plain HTTP on a new connection.
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress(InetAddress.getByName(host), port), millis);
        plain.setSoTimeout(millis);
        String asHttp = overPlaintext(plain, host, where);
        if (asHttp.contains("etcd answers there") || asHttp.contains("an HTTP server answers")) {
          return where + ": the server does not speak TLS but plain HTTP; use http:// for this endpoint";
        }
      } catch (IOException ignored) {
        // Not plain HTTP either: report the handshake.
      }
      return where + ": the TLS handshake failed: " + m + " (a client certificate may be required: etcd.tls.cert and etcd.tls.key)";
    }
    return where + ": TLS works there; if the call still fails, check that etcd.tls.ca signed the server's certificate";
  }

  private static byte[] readSome(InputStream in) throws IOException {
    byte[] buffer = new byte[512];
    int n = in.read(buffer);
    if (n <= 0) {
      return new byte[0];
    }
    int total = n;
    try {
      while (total < buffer.length && (n = in.read(buffer, total, buffer.length - total)) > 0) {
        total += n;
      }
    } catch (SocketTimeoutException enough) {
      // What arrived is enough to tell.
    }
    return java.util.Arrays.copyOf(buffer, total);
  }

  private static String version(String httpResponse) {
    int i = httpResponse.indexOf("\"etcdserver\"");
    if (i < 0) {
      return "version unknown";
    }
    int start = httpResponse.indexOf('"', httpResponse.indexOf(':', i) + 1);
    int end = start < 0 ? -1 : httpResponse.indexOf('"', start + 1);
    return start < 0 || end < 0 ? "version unknown" : "version " + httpResponse.substring(start + 1, end);
  }

  /** Only for the diagnosis: it tells a handshake from no handshake, not whom to trust. */
  private static final class TrustAnything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
