package dev.baton.leaderelection.resourcelock;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Captures what slf4j-simple logs: it writes each line to {@code System.err} as it is at that
 * moment, so replacing the stream catches the lines logged meanwhile, from any thread.
 */
public final class StandardErrorCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private StandardErrorCapture() {
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  /** Starts capturing; {@link #close()} restores the stream. */
  public static StandardErrorCapture start() {
    return new StandardErrorCapture();
  }

  /** The lines captured so far that contain {@code text}. */
  public List<String> linesContaining(String text) {
    String all;
    synchronized (captured) {
      all = captured.toString(StandardCharsets.UTF_8);
    }
    return all.lines().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    System.setErr(original);
    original.print(captured.toString(StandardCharsets.UTF_8));
  }
}
