package dev.baton.faults;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Command lines for child JVMs on the test class path, started with the running JVM's java. */
final class JavaCommand {

  private JavaCommand() {
  }

  /** The running JVM's java binary. */
  static String java() {
    return ProcessHandle.current().info().command()
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * The arguments after the java binary: flags for a quick start and a small heap (the machine has
   * two cores and several JVMs), the test class path, the main class and its arguments.
   */
  static List<String> arguments(Class<?> mainClass, String... mainArgs) {
    List<String> args = new ArrayList<>(List.of(
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto", "-Xmx128m",
        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "-cp", classPath(), mainClass.getName()));
    args.addAll(Arrays.asList(mainArgs));
    return args;
  }

  /**
   * The test class path. Surefire's {@code java.class.path} may be a manifest-only jar that it
   * deletes when the test JVM ends; {@code surefire.test.class.path} lists the real entries.
   */
  static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }
}
