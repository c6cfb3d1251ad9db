package dev.baton.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.MarkdownSnippets.Reactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker itself, on a small repository in a temporary directory: it passes what is right and names what is wrong. */
@DisplayName("MarkdownSnippets")
class MarkdownSnippetsTest {
  private static final String SOURCE = """
      class Example {
        void example() {
          // tag::greet[]
          String greeting = "hello";
          // tag::inner[]
          System.out.println(greeting);
          // end::inner[]
          // end::greet[]
        }
        // tag::empty[]
        // end::empty[]
        // tag::twice[]
        // end::twice[]
        // tag::twice[]
        // end::twice[]
      }
      """;
  private static final String GREET = "String greeting = \"hello\";\nSystem.out.println(greeting);\n";

  @TempDir
  Path root;
  private Reactor reactor;

  @BeforeEach
  void repository() throws IOException {
    write("pom.xml", pom("baton-parent", "<version>1.2.3</version>"));
    write("mod/pom.xml", pom("baton-mod", "<parent><version>1.2.3</version></parent>"));
    write("mod/src/test/java/Example.java", SOURCE);
    reactor = Reactor.of(root);
  }

  private static String pom(String artifactId, String version) {
    return "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
        + "<groupId>dev.baton</groupId><artifactId>" + artifactId + "</artifactId>" + version + "</project>";
  }

  private Path write(String path, String text) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private List<String> problems(String path, String markdown) throws IOException {
    return MarkdownSnippets.problems(root, write(path, markdown), reactor);
  }

  private static String snippet(String marker, String body) {
    return "Text.\n\n" + marker + "\n```java\n" + body + "```\n\nMore text.\n";
  }

  @Test
  @DisplayName("a block equal to its region passes, with the path taken from the Markdown file's own directory")
  void matchingBlockPasses() throws IOException {
    assertEquals(List.of(), problems("mod/README.md", snippet("<!-- snippet: src/test/java/Example.java#greet -->", GREET)));
    assertEquals(List.of(), problems("docs/guide.md", snippet("<!-- snippet: ../mod/src/test/java/Example.java#greet -->", GREET)));
    assertEquals(List.of(), problems("mod/inner.md", snippet("<!-- snippet: src/test/java/Example.java#inner -->",
        "System.out.println(greeting);\n")));
  }

  @Test
  @DisplayName("a block in a list item is compared without the item's indentation")
  void indentedBlock() throws IOException {
    String md = "- Item:\n\n  <!-- snippet: src/test/java/Example.java#greet -->\n  ```java\n  String greeting = \"hello\";\n"
        + "  System.out.println(greeting);\n  ```\n";
    assertEquals(List.of(), problems("mod/README.md", md));
  }

  @Test
  @DisplayName("a block that differs from its region fails, naming the file, the line and the first differing line")
  void mismatchingBlockFails() throws IOException {
    List<String> problems = problems("mod/README.md", snippet("<!-- snippet: src/test/java/Example.java#greet -->",
        "String greeting = \"hi\";\nSystem.out.println(greeting);\n"));
    assertEquals(1, problems.size(), problems::toString);
    String p = problems.get(0);
    assertTrue(p.startsWith("mod/README.md:4: snippet src/test/java/Example.java#greet differs from the source at its line 1"), p);
    assertTrue(p.contains("Markdown: String greeting = \"hi\";") && p.contains("source:   String greeting = \"hello\";"), p);
  }

  @Test
  @DisplayName("a block with a line more or less than its region fails")
  void shorterBlockFails() throws IOException {
    List<String> problems = problems("mod/README.md", snippet("<!-- snippet: src/test/java/Example.java#greet -->",
        "String greeting = \"hello\";\n"));
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(problems.get(0).contains("differs from the source in length: 1 lines in the Markdown, 2 in the source"),
        problems.get(0));
  }

  @Test
  @DisplayName("a Java block without a marker fails; blocks in other languages need none")
  void unmarkedJavaBlockFails() throws IOException {
    String md = "Text.\n\n```java\nnew Thing();\n```\n\n```xml\n<a/>\n```\n\n```\nplain\n```\n";
    List<String> problems = problems("README.md", md);
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(problems.get(0).startsWith("README.md:3: a ```java block without a <!-- snippet: PATH#TAG --> marker"),
        problems.get(0));
  }

  @Test
  @DisplayName("a marker separated from its block by a blank line marks nothing: the marker and the Java block both fail")
  void detachedMarkerFails() throws IOException {
    String md = "<!-- snippet: src/test/java/Example.java#greet -->\n\n```java\n" + GREET + "```\n";
    List<String> problems = problems("mod/README.md", md);
    assertEquals(2, problems.size(), problems::toString);
    assertTrue(problems.get(0).startsWith("mod/README.md:1: a snippet marker must be followed at once by a fenced block"),
        problems.get(0));
    assertTrue(problems.get(1).startsWith("mod/README.md:3: a ```java block without"), problems.get(1));
  }

  @Test
  @DisplayName("a missing tag, a repeated tag, an empty region and a missing file each fail with what is wrong")
  void missingTagFails() throws IOException {
    List<String> missing = problems("mod/README.md", snippet("<!-- snippet: src/test/java/Example.java#gone -->", GREET));
    assertEquals(List.of("mod/README.md:4: snippet src/test/java/Example.java#gone: expected one tag::gone[] and one "
        + "end::gone[] in Example.java, found 0 and 0"), missing);

    List<String> twice = problems("mod/README.md", snippet("<!-- snippet: src/test/java/Example.java#twice -->", GREET));
    assertEquals(List.of("mod/README.md:4: snippet src/test/java/Example.java#twice: expected one tag::twice[] and one "
        + "end::twice[] in Example.java, found 2 and 2"), twice);

    List<String> empty = problems("mod/README.md", snippet("<!-- snippet: src/test/java/Example.java#empty -->", "\n"));
    assertEquals(List.of("mod/README.md:4: snippet src/test/java/Example.java#empty: the region empty in Example.java is empty"),
        empty);

    List<String> noFile = problems("docs/guide.md", snippet("<!-- snippet: src/test/java/Example.java#greet -->", GREET));
    assertEquals(1, noFile.size(), noFile::toString);
    assertTrue(noFile.get(0).startsWith("docs/guide.md:4: snippet src/test/java/Example.java#greet: "
        + "src/test/java/Example.java does not exist (the path is relative to docs/guide.md's directory)"), noFile.get(0));
  }

  @Test
  @DisplayName("an end tag before its start tag fails")
  void reversedTagsFail() throws IOException {
    write("mod/Reversed.java", "// end::r[]\nx();\n// tag::r[]\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MarkdownSnippets.region(root.resolve("mod/Reversed.java"), "r"));
    assertEquals("end::r[] comes before tag::r[] in Reversed.java", e.getMessage());
  }

  @Test
  @DisplayName("a region loses its common indentation and the lines of tags nested in it, and keeps blank lines")
  void regionText() throws IOException {
    write("mod/R.java", "    // tag::r[]\n    a();\n\n      // tag::n[]\n      b();\n      // end::n[]\n    // end::r[]\n");
    assertEquals("a();\n\n  b();\n", MarkdownSnippets.region(root.resolve("mod/R.java"), "r"));
  }

  @Test
  @DisplayName("Baton artifacts named in XML blocks and in the text must be modules of the build, at its version")
  void mavenCoordinates() throws IOException {
    String md = """
        ```xml
        <dependency>
          <groupId>dev.baton</groupId>
          <artifactId>baton-mod</artifactId>
          <version>1.2.3</version>
        </dependency>
        <dependency>
          <groupId>dev.baton</groupId>
          <artifactId>baton-nosuch</artifactId>
        </dependency>
        <dependency>
          <groupId>dev.baton</groupId>
          <artifactId>baton-mod</artifactId>
          <version>0.9</version>
        </dependency>
        ```

        Add `dev.baton:baton-mod`, or `dev.baton:baton-other`.
        """;
    List<String> problems = problems("README.md", md);
    assertEquals(List.of(
        "README.md:1: dev.baton:baton-nosuch is not a module of this build; its modules are [baton-mod, baton-parent]",
        "README.md:1: dev.baton:baton-mod with version 0.9, but the build's version is 1.2.3",
        "README.md:18: dev.baton:baton-other is not a module of this build; its modules are [baton-mod, baton-parent]"),
        problems);
  }

  @Test
  @DisplayName("every Markdown file is found, in nested directories too, except in target and .git")
  void walk() throws IOException {
    write("README.md", "x");
    write("docs/a.md", "x");
    write("mod/sub/README.md", "x");
    write("mod/target/README.md", "```java\nunchecked();\n```\n");
    write(".git/info.md", "x");
    write("mod/notes.txt", "x");
    assertEquals(List.of("README.md", "docs/a.md", "mod/sub/README.md"), MarkdownSnippets.markdownFiles(root).stream()
        .map(p -> root.relativize(p).toString().replace('\\', '/')).toList());
  }

  @Test
  @DisplayName("the repository root is the nearest directory above whose pom.xml is baton-parent")
  void root() throws IOException {
    assertEquals(root.toAbsolutePath().normalize(), MarkdownSnippets.repositoryRoot(root.resolve("mod/src/test")));
    assertEquals(Set.of("baton-parent", "baton-mod"), reactor.artifactIds());
    assertEquals("1.2.3", reactor.version());
  }
}
