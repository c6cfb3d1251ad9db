package dev.baton.spring.boot.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The code in {@code spring-boot/README.md} is the code that this build compiles and runs: every
 * fenced block preceded by {@code <!-- snippet: PATH#TAG -->} must equal the lines between
 * {@code tag::TAG[]} and {@code end::TAG[]} in {@code spring-boot/PATH} (indentation removed), and
 * every Java block must have such a marker.
 */
class ReadmeSnippetsTest {

  private static final Path SPRING_BOOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern SNIPPET = Pattern.compile(
      "<!-- snippet: (\\S+)#(\\S+) -->\\n```(\\w+)\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?:^|\\n)(.*)\\n```java\\n");

  private static String readme() throws IOException {
    return Files.readString(SPRING_BOOT.resolve("README.md"), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("Every README snippet equals its tagged region in the sources")
  void snippetsMatchSources() throws IOException {
    Matcher m = SNIPPET.matcher(readme());
    int count = 0;
    List<String> mismatches = new ArrayList<>();
    while (m.find()) {
      count++;
      String expected = region(SPRING_BOOT.resolve(m.group(1)), m.group(2));
      if (!expected.equals(m.group(4))) {
        mismatches.add(m.group(1) + "#" + m.group(2) + ": the README has\n" + m.group(4) + "\nthe source has\n" + expected);
      }
    }
    assertThat(count).as("snippets in the README").isGreaterThanOrEqualTo(6);
    assertThat(mismatches).as("README snippets that differ from the sources").isEmpty();
  }

  @Test
  @DisplayName("Every Java block of the README comes from compiled sources")
  void everyJavaBlockIsASnippet() throws IOException {
    Matcher m = JAVA_BLOCK.matcher(readme());
    List<String> unmarked = new ArrayList<>();
    while (m.find()) {
      if (!m.group(1).startsWith("<!-- snippet: ")) {
        unmarked.add("a ```java block after: " + m.group(1));
      }
    }
    assertThat(unmarked).isEmpty();
  }

  /** The lines between tag::TAG[] and end::TAG[], without their common indentation, each ending in a newline. */
  static String region(Path file, String tag) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int start = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("tag::" + tag + "[]")) {
        start = i + 1;
      } else if (lines.get(i).contains("end::" + tag + "[]")) {
        end = i;
      }
    }
    assertThat(start).as("tag::%s[] in %s", tag, file).isPositive();
    assertThat(end).as("end::%s[] in %s", tag, file).isGreaterThanOrEqualTo(start);
    List<String> body = lines.subList(start, end);
    int indent = body.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder sb = new StringBuilder();
    for (String line : body) {
      sb.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return sb.toString();
  }
}
