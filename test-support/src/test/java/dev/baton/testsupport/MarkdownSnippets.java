package dev.baton.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The code in the repository's Markdown is code the build compiles. A fenced block preceded by the
 * line {@code <!-- snippet: PATH#TAG -->} must equal the lines between {@code tag::TAG[]} and
 * {@code end::TAG[]} in PATH (relative to the Markdown file's own directory), without their common
 * indentation and without the lines of other tags nested in the region; every {@code ```java} block
 * must be such a snippet. Maven coordinates of Baton artifacts ({@code <groupId>dev.baton</groupId>}
 * with an {@code <artifactId>} in an XML block, {@code dev.baton:baton-...} in the text) must name a
 * module of the reactor, and a version given with one must be the reactor's.
 */
final class MarkdownSnippets {
  static final String GROUP_ID = "dev.baton";
  static final String ROOT_ARTIFACT_ID = "baton-parent";

  private static final Pattern MARKER = Pattern.compile("^\\s*<!-- snippet: (\\S+?)#(\\S+) -->\\s*$");
  private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,}|~{3,})\\s*([^\\s`]*).*$");
  private static final Pattern TAG_LINE = Pattern.compile("(?:tag|end)::[\\w.-]+\\[\\]");
  private static final Pattern XML_COORDINATES = Pattern.compile(
      "<groupId>\\s*dev\\.baton\\s*</groupId>\\s*<artifactId>\\s*([^<\\s]+)\\s*</artifactId>"
          + "(?:\\s*<version>\\s*([^<\\s]+)\\s*</version>)?");
  private static final Pattern TEXT_COORDINATES = Pattern.compile("\\bdev\\.baton:(baton-[\\w.-]*\\w)(?::([\\w.-]*\\w))?");

  private MarkdownSnippets() {
  }

  /** A fenced code block: the line of its opening fence (1-based), its language, its marker and its text. */
  record Block(int line, String language, Optional<Marker> marker, String text) {
  }

  /** {@code <!-- snippet: PATH#TAG -->}. */
  record Marker(String path, String tag) {
  }

  /** The modules of a Maven reactor: their artifactIds and the version of its root. */
  record Reactor(Set<String> artifactIds, String version) {

    /** Reads every {@code pom.xml} under {@code root} (outside {@code target} and {@code .git}). */
    static Reactor of(Path root) {
      Set<String> ids = new TreeSet<>();
      for (Path pom : files(root, "pom.xml")) {
        text(pom(pom), "artifactId").ifPresent(ids::add);
      }
      Element rootProject = pom(root.resolve("pom.xml"));
      String version = text(rootProject, "version")
          .or(() -> element(rootProject, "parent").flatMap(p -> text(p, "version")))
          .orElseThrow(() -> new IllegalStateException(root.resolve("pom.xml") + " has no version"));
      return new Reactor(ids, version);
    }
  }

  /**
   * The root of the repository: the nearest directory at or above {@code start} whose
   * {@code pom.xml} is Baton's root pom ({@code baton-parent}).
   */
  static Path repositoryRoot(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      if (Files.isRegularFile(pom) && text(pom(pom), "artifactId").filter(ROOT_ARTIFACT_ID::equals).isPresent()) {
        return dir;
      }
    }
    throw new IllegalStateException("no pom.xml with artifactId " + ROOT_ARTIFACT_ID + " at or above " + start.toAbsolutePath());
  }

  /** Every Markdown file under {@code root}, outside {@code target} and {@code .git} directories, in path order. */
  static List<Path> markdownFiles(Path root) {
    return files(root, null);
  }

  /**
   * Everything wrong with the code in one Markdown file, one message per problem, each starting
   * with the file (relative to {@code root}) and line.
   */
  static List<String> problems(Path root, Path markdown, Reactor reactor) {
    List<String> lines = readLines(markdown);
    String where = root.relativize(markdown).toString().replace('\\', '/');
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (MARKER.matcher(lines.get(i)).matches()
          && (i + 1 >= lines.size() || !FENCE.matcher(lines.get(i + 1)).matches())) {
        problems.add(where + ":" + (i + 1) + ": a snippet marker must be followed at once by a fenced block");
      }
    }
    for (Block block : blocks(lines)) {
      String at = where + ":" + block.line() + ": ";
      if (block.marker().isPresent()) {
        Marker m = block.marker().get();
        Path source = markdown.getParent().resolve(m.path()).normalize();
        String name = m.path() + "#" + m.tag();
        if (!Files.isRegularFile(source)) {
          problems.add(at + "snippet " + name + ": " + m.path() + " does not exist (the path is relative to "
              + where + "'s directory)");
          continue;
        }
        try {
          String region = region(source, m.tag());
          if (!region.equals(block.text())) {
            problems.add(at + "snippet " + name + " differs from the source" + firstDifference(block.text(), region)
                + "\n--- the Markdown has:\n" + block.text() + "--- the source has:\n" + region);
          }
        } catch (IllegalArgumentException e) {
          problems.add(at + "snippet " + name + ": " + e.getMessage());
        }
      } else if (block.language().toLowerCase(Locale.ROOT).equals("java")) {
        problems.add(at + "a ```java block without a <!-- snippet: PATH#TAG --> marker on the line before it: "
            + "keep the code in compiled sources between tag::TAG[] and end::TAG[] and mark the block");
      }
      if (block.language().toLowerCase(Locale.ROOT).equals("xml")) {
        Matcher c = XML_COORDINATES.matcher(block.text());
        while (c.find()) {
          checkCoordinates(at, c.group(1), c.group(2), reactor, problems);
        }
      }
    }
    for (int i = 0; i < lines.size(); i++) {
      Matcher c = TEXT_COORDINATES.matcher(lines.get(i));
      while (c.find()) {
        checkCoordinates(where + ":" + (i + 1) + ": ", c.group(1), c.group(2), reactor, problems);
      }
    }
    return problems;
  }

  private static void checkCoordinates(String at, String artifactId, String version, Reactor reactor,
      List<String> problems) {
    if (!reactor.artifactIds().contains(artifactId)) {
      problems.add(at + GROUP_ID + ":" + artifactId + " is not a module of this build; its modules are "
          + reactor.artifactIds());
    } else if (version != null && !version.startsWith("$") && !version.equals(reactor.version())) {
      problems.add(at + GROUP_ID + ":" + artifactId + " with version " + version + ", but the build's version is "
          + reactor.version());
    }
  }

  /** The fenced blocks of a Markdown text, each with the marker on the line before its opening fence. */
  static List<Block> blocks(List<String> lines) {
    List<Block> blocks = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        i++;
        continue;
      }
      int indent = open.group(1).length();
      String fence = open.group(2);
      Optional<Marker> marker = Optional.empty();
      if (i > 0) {
        Matcher m = MARKER.matcher(lines.get(i - 1));
        if (m.matches()) {
          marker = Optional.of(new Marker(m.group(1), m.group(2)));
        }
      }
      StringBuilder text = new StringBuilder();
      int j = i + 1;
      while (j < lines.size() && !isClosingFence(lines.get(j), fence)) {
        String line = lines.get(j);
        int strip = Math.min(indent, line.length() - line.stripLeading().length());
        text.append(line.substring(strip)).append('\n');
        j++;
      }
      blocks.add(new Block(i + 1, open.group(3), marker, text.toString()));
      i = j + 1;
    }
    return blocks;
  }

  private static boolean isClosingFence(String line, String fence) {
    String s = line.strip();
    return s.length() >= fence.length() && s.chars().allMatch(ch -> ch == fence.charAt(0));
  }

  /**
   * The region of {@code file} between the only {@code tag::TAG[]} and the only {@code end::TAG[]},
   * without lines that hold other tags and without the common indentation, each line ending in a
   * newline.
   *
   * @throws IllegalArgumentException when either tag is missing, repeated or out of order
   */
  static String region(Path file, String tag) {
    List<String> lines = readLines(file);
    List<Integer> starts = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("tag::" + tag + "[]")) {
        starts.add(i);
      }
      if (lines.get(i).contains("end::" + tag + "[]")) {
        ends.add(i);
      }
    }
    if (starts.size() != 1 || ends.size() != 1) {
      throw new IllegalArgumentException("expected one tag::" + tag + "[] and one end::" + tag + "[] in " + file.getFileName()
          + ", found " + starts.size() + " and " + ends.size());
    }
    int start = starts.get(0) + 1;
    int end = ends.get(0);
    if (end < start) {
      throw new IllegalArgumentException("end::" + tag + "[] comes before tag::" + tag + "[] in " + file.getFileName());
    }
    List<String> body = lines.subList(start, end).stream().filter(l -> !TAG_LINE.matcher(l).find()).toList();
    if (body.stream().allMatch(String::isBlank)) {
      throw new IllegalArgumentException("the region " + tag + " in " + file.getFileName() + " is empty");
    }
    int indent = body.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder sb = new StringBuilder();
    for (String line : body) {
      sb.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return sb.toString();
  }

  private static String firstDifference(String markdown, String source) {
    List<String> a = markdown.lines().toList();
    List<String> b = source.lines().toList();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return " at its line " + (i + 1) + ":\n  Markdown: " + a.get(i) + "\n  source:   " + b.get(i);
      }
    }
    return " in length: " + a.size() + " lines in the Markdown, " + b.size() + " in the source";
  }

  private static List<Path> files(Path root, String fileName) {
    List<Path> found = new ArrayList<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
          // Build output and Git's own files.
          return !dir.equals(root) && (name.equals("target") || name.equals(".git"))
              ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          String name = file.getFileName().toString();
          if (attrs.isRegularFile() && (fileName == null ? name.endsWith(".md") : name.equals(fileName))) {
            found.add(file);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    found.sort(null);
    return found;
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Element pom(Path pom) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document d = f.newDocumentBuilder().parse(pom.toFile());
      return d.getDocumentElement();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
    }
  }

  private static Optional<Element> element(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getLocalName())) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> text(Element parent, String name) {
    return element(parent, name).map(e -> e.getTextContent().strip());
  }
}
