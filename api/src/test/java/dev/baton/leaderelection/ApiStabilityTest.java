package dev.baton.leaderelection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apiguardian.api.API;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import tools.jackson.core.json.JsonFactory;

/**
 * The stability rule of docs/elector.md ("API stability"), checked on the compiled classes of
 * baton-api: every public type carries {@link API}; the types of a package that module-info does not
 * export are {@code INTERNAL}; a member never claims more stability than its type; and nothing needs
 * apiguardian at run time.
 */
@DisplayName("API stability markers of baton-api")
class ApiStabilityTest {

  private static final Path CLASSES = codeSource(LeaderElector.class);

  @Test
  @DisplayName("every public top-level type has @API with a status and a since version")
  void everyPublicTypeIsMarked() throws Exception {
    List<String> unmarked = new ArrayList<>();
    for (Class<?> type : publicTopLevelTypes()) {
      API api = type.getAnnotation(API.class);
      if (api == null) {
        unmarked.add(type.getName() + " has no @API");
      } else if (api.since().isBlank()) {
        unmarked.add(type.getName() + " has @API without since");
      }
    }
    assertEquals(List.of(), unmarked);
  }

  @Test
  @DisplayName("public types of packages that module-info does not export are INTERNAL, and only those")
  void internalMeansNotExported() throws Exception {
    ModuleDescriptor module = ModuleFinder.of(CLASSES).findAll().iterator().next().descriptor();
    Set<String> exported = module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
    assertTrue(exported.contains("dev.baton.leaderelection.resourcelock"), exported::toString);
    List<String> wrong = new ArrayList<>();
    for (Class<?> type : publicTopLevelTypes()) {
      API api = type.getAnnotation(API.class);
      boolean internal = api != null && api.status() == API.Status.INTERNAL;
      boolean isExported = exported.contains(type.getPackageName());
      if (internal == isExported) {
        wrong.add(type.getName() + " is " + (api == null ? "unmarked" : api.status()) + " in a package that is "
            + (isExported ? "" : "not ") + "exported");
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  @DisplayName("a nested type or method never claims more stability than the type it belongs to")
  void membersNoMoreStableThanTheirType() throws Exception {
    List<String> wrong = new ArrayList<>();
    for (Class<?> type : publicTopLevelTypes()) {
      API api = type.getAnnotation(API.class);
      if (api != null) { // an unmarked type is everyPublicTypeIsMarked's failure
        checkMembers(type, api.status(), wrong);
      }
    }
    assertEquals(List.of(), wrong);
  }

  private static void checkMembers(Class<?> type, API.Status bound, List<String> wrong) {
    List<AnnotatedElement> members = new ArrayList<>(List.of(type.getDeclaredMethods()));
    members.addAll(List.of(type.getDeclaredConstructors()));
    for (AnnotatedElement member : members) {
      API api = member.getAnnotation(API.class);
      if (api != null && api.status().compareTo(bound) > 0) {
        wrong.add(member + " is " + api.status() + " inside a " + bound + " type");
      }
    }
    for (Class<?> nested : type.getDeclaredClasses()) {
      if (!Modifier.isPublic(nested.getModifiers())) {
        continue;
      }
      API api = nested.getAnnotation(API.class);
      if (api != null && api.status().compareTo(bound) > 0) {
        wrong.add(nested.getName() + " is " + api.status() + " inside a " + bound + " type");
      }
      checkMembers(nested, api == null ? bound : api.status(), wrong);
    }
  }

  @Test
  @DisplayName("the lock contract is STABLE and the new seams EXPERIMENTAL, as docs/elector.md states")
  void documentedExamples() {
    assertEquals(API.Status.STABLE, status(dev.baton.leaderelection.resourcelock.ResourceLock.class));
    assertEquals(API.Status.STABLE, status(LeaderElectionRecord.class));
    assertEquals(API.Status.STABLE, status(LeaderElector.class));
    assertEquals(API.Status.STABLE, status(LeaderCallbacks.class));
    assertEquals(API.Status.EXPERIMENTAL, status(ElectionRuntime.class));
    assertEquals(API.Status.EXPERIMENTAL, status(dev.baton.leaderelection.resourcelock.WatchableResourceLock.class));
    assertEquals(API.Status.EXPERIMENTAL, status(LeaderCallbacks.Functions.class));
  }

  @Test
  @DisplayName("nothing needs apiguardian at run time: the API works and its markers read as absent without it")
  void runsWithoutApiguardian() throws Exception {
    assertThrows(ClassNotFoundException.class,
        () -> Class.forName(API.class.getName(), false, ClassLoader.getPlatformClassLoader()));
    URL[] path = Stream.of(CLASSES, codeSource(JsonFactory.class), codeSource(Logger.class))
        .map(ApiStabilityTest::url).toArray(URL[]::new);
    try (URLClassLoader withoutApiguardian = new URLClassLoader(path, ClassLoader.getPlatformClassLoader())) {
      assertThrows(ClassNotFoundException.class, () -> withoutApiguardian.loadClass(API.class.getName()));
      Class<?> recordType = withoutApiguardian.loadClass(LeaderElectionRecord.class.getName());
      Class<?> codec = withoutApiguardian.loadClass(LeaderElectionRecordCodec.class.getName());
      assertEquals(0, recordType.getAnnotations().length, "markers read as absent without their classes");

      Object builder = recordType.getMethod("builder").invoke(null);
      builder.getClass().getMethod("holderIdentity", String.class).invoke(builder, "node-a");
      builder.getClass().getMethod("leaseDurationSeconds", int.class).invoke(builder, 15);
      Object record = builder.getClass().getMethod("build").invoke(builder);
      Method encode = codec.getMethod("encode", recordType);
      byte[] isolated = (byte[]) encode.invoke(null, record);

      assertFalse(recordType == LeaderElectionRecord.class, "loaded apart from the test's class path");
      assertArrayEquals(LeaderElectionRecordCodec.encode(LeaderElectionRecord.of("node-a", 15, null, null, 0)),
          isolated);
    }
  }

  private static API.Status status(Class<?> type) {
    return type.getAnnotation(API.class).status();
  }

  /** The public top-level types compiled from api/src/main/java, by name. */
  private static Set<Class<?>> publicTopLevelTypes() throws IOException, ClassNotFoundException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(CLASSES)) {
      files.map(p -> CLASSES.relativize(p).toString().replace('\\', '/'))
          .filter(n -> n.endsWith(".class") && !n.contains("$") && !n.endsWith("-info.class"))
          .forEach(n -> names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
    }
    assertTrue(names.size() > 20, () -> "expected baton-api's classes in " + CLASSES + ", found " + names);
    Set<Class<?>> types = new java.util.LinkedHashSet<>();
    for (String name : names) {
      Class<?> type = Class.forName(name, false, ApiStabilityTest.class.getClassLoader());
      if (Modifier.isPublic(type.getModifiers())) {
        types.add(type);
      }
    }
    return types;
  }

  private static Path codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static URL url(Path path) {
    try {
      return path.toUri().toURL();
    } catch (java.net.MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }
}
