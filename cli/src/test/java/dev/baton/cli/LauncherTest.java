package dev.baton.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher script of the distribution archive ({@code bin/baton}, src/dist). */
class LauncherTest {

  private static String[] launch(Path dir, String javaHome, String javaOpts, String... args) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("baton/bin"));
    Files.copy(Path.of("src/dist/bin/baton"), bin.resolve("baton"));
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("sh", bin.resolve("baton").toString()));
    command.addAll(java.util.List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("JAVA_HOME");
    if (javaHome != null) {
      pb.environment().put("JAVA_HOME", javaHome);
    }
    if (javaOpts != null) {
      pb.environment().put("JAVA_OPTS", javaOpts);
    }
    pb.environment().put("PATH", "/usr/bin/nonexistent");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return new String[] {Integer.toString(p.exitValue()), out};
  }

  @Test
  @DisplayName("bin/baton runs lib/baton.jar with JAVA_HOME's java, JAVA_OPTS first and the arguments unchanged")
  void runsTheJar(@TempDir Path dir) throws Exception {
    Path fakeJava = Files.createDirectories(dir.resolve("jdk/bin")).resolve("java");
    Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    String[] r = launch(dir, dir.resolve("jdk").toString(), "-Xmx64m", "run", "--name", "a b", "--", "echo", "x");
    assertEquals("0", r[0], r[1]);
    String jar = dir.resolve("baton").toRealPath() + "/lib/baton.jar";
    assertEquals("[-Xmx64m]\n[-jar]\n[" + jar + "]\n[run]\n[--name]\n[a b]\n[--]\n[echo]\n[x]\n", r[1]);
  }

  @Test
  @DisplayName("bin/baton reached through a symbolic link on PATH still finds its lib/baton.jar")
  void throughSymlink(@TempDir Path dir) throws Exception {
    Path fakeJava = Files.createDirectories(dir.resolve("jdk/bin")).resolve("java");
    Files.writeString(fakeJava, "#!/bin/sh\necho \"$2\"\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path bin = Files.createDirectories(dir.resolve("baton/bin"));
    Files.copy(Path.of("src/dist/bin/baton"), bin.resolve("baton"));
    Files.setPosixFilePermissions(bin.resolve("baton"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path onPath = Files.createDirectories(dir.resolve("usr-local-bin"));
    Files.createSymbolicLink(onPath.resolve("baton"), bin.resolve("baton"));
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "baton --version").redirectErrorStream(true);
    pb.environment().put("PATH", onPath + ":/usr/bin:/bin");
    pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertEquals(dir.resolve("baton").toRealPath() + "/lib/baton.jar\n", out);
  }

  @Test
  @DisplayName("bin/baton without any java says how to get one")
  void noJava(@TempDir Path dir) throws Exception {
    String[] r = launch(dir, null, null, "--version");
    assertEquals("1", r[0], r[1]);
    assertTrue(r[1].contains("baton: no java found; install Java 17 or later, or set JAVA_HOME"), r[1]);
  }
}
