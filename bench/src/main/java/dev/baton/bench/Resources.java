package dev.baton.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;

/** What a run holds open, read from the stores and the operating system, for the scale report. */
final class Resources {
  private Resources() {
  }

  /** etcd's gauges of open watch streams and watchers, from its /metrics endpoint. */
  static String etcdWatches(String endpoint) {
    try {
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint + "/metrics"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
      return "etcd: " + metric(body, "etcd_debugging_mvcc_watch_stream_total") + " watch streams, "
          + metric(body, "etcd_debugging_mvcc_watcher_total") + " watchers";
    } catch (Exception e) {
      return "etcd metrics unreadable: " + e;
    }
  }

  private static String metric(String body, String name) {
    return body.lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1).trim())
        .map(v -> String.valueOf((long) Double.parseDouble(v))).findFirst().orElse("?");
  }

  /** ZooKeeper's own watch summary (four-letter word {@code wchs}). */
  static String zooKeeperWatches(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write("wchs".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
        return "ZooKeeper: " + in.lines().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.joining(", "));
      }
    } catch (Exception e) {
      return "ZooKeeper wchs unreadable: " + e;
    }
  }

  /** Established TCP connections of this machine to {@code hostPort}'s port (client ends only), from {@code ss}. */
  static String connectionsTo(String hostPort) {
    String port = hostPort.substring(hostPort.lastIndexOf(':') + 1).replaceAll("[^0-9]", "");
    try {
      Process p = new ProcessBuilder("ss", "-tnH", "state", "established", "( dport = :" + port + " )")
          .redirectErrorStream(true).start();
      long n = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank()).count();
      p.waitFor();
      return n + " connections to port " + port;
    } catch (Exception e) {
      return "connections unreadable: " + e;
    }
  }

  /** Live threads of this JVM. */
  static int jvmThreads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }
}
