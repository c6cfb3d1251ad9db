package dev.baton.testsupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.MarkdownSnippets.Reactor;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Markdown file of the repository (READMEs, docs/, BENCHMARKS.md, ...): its Java blocks are
 * copies of compiled sources (see {@link MarkdownSnippets}), and the Baton artifacts it names exist.
 */
@DisplayName("The repository's Markdown")
class RepositoryDocsTest {
  private static final Path ROOT = MarkdownSnippets.repositoryRoot(Path.of(""));
  private static final Reactor REACTOR = Reactor.of(ROOT);

  @TestFactory
  @DisplayName("each file's code blocks are copies of compiled sources, and its Baton artifacts exist")
  Stream<DynamicTest> everyMarkdownFile() {
    return MarkdownSnippets.markdownFiles(ROOT).stream().map(md -> DynamicTest.dynamicTest(
        ROOT.relativize(md).toString(), md.toUri(), () -> {
          List<String> problems = MarkdownSnippets.problems(ROOT, md, REACTOR);
          assertTrue(problems.isEmpty(), () -> problems.size() + " problem(s):\n" + String.join("\n\n", problems));
        }));
  }

  @Test
  @DisplayName("the files checked are the repository's Markdown, from the root README to the docs of nested modules")
  void findsTheDocs() {
    List<String> found = MarkdownSnippets.markdownFiles(ROOT).stream()
        .map(p -> ROOT.relativize(p).toString().replace('\\', '/')).toList();
    assertTrue(found.containsAll(List.of("README.md", "BENCHMARKS.md", "docs/elector.md", "lock-etcd/README.md",
        "spring-boot/README.md", "test-support/README.md")), () -> "found " + found);
    assertTrue(found.stream().noneMatch(p -> p.contains("target/")), () -> "build output is not checked: " + found);
  }

  @Test
  @DisplayName("the reactor read is this build: its root's version and every module's artifactId")
  void readsTheReactor() {
    assertTrue(REACTOR.artifactIds().containsAll(List.of("baton-parent", "baton-api", "baton-bom", "baton-testkit",
        "baton-lock-inmemory", "baton-spring-boot-starter")), () -> "artifactIds " + REACTOR.artifactIds());
    assertTrue(REACTOR.version().matches("\\d+\\.\\d+\\.\\d+.*"), REACTOR.version());
  }
}
