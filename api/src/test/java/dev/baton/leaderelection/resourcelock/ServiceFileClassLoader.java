package dev.baton.leaderelection.resourcelock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A class loader that shows {@link ResourceLocks} exactly the provider services files a test wrote,
 * and nothing else from the class path. Classes are loaded by the test's own class loader, so the
 * providers and the service interface are the same classes the test sees.
 */
final class ServiceFileClassLoader extends ClassLoader {

  static final String SERVICES = "META-INF/services/" + ResourceLockProvider.class.getName();

  private final List<URL> serviceFiles;

  private ServiceFileClassLoader(List<URL> serviceFiles) {
    super("crafted-service-loader", ServiceFileClassLoader.class.getClassLoader());
    this.serviceFiles = List.copyOf(serviceFiles);
  }

  /**
   * Writes one services file per entry under {@code dir} and returns a loader that shows only them.
   *
   * @param dir a fresh directory
   * @param files each element is the content of one services file (one class name a line)
   */
  static ServiceFileClassLoader withServiceFiles(Path dir, String... files) {
    List<URL> urls = new ArrayList<>();
    try {
      for (int i = 0; i < files.length; i++) {
        Path file = dir.resolve("jar" + i).resolve(SERVICES);
        Files.createDirectories(file.getParent());
        Files.writeString(file, files[i], StandardCharsets.UTF_8);
        urls.add(file.toUri().toURL());
      }
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ServiceFileClassLoader(urls);
  }

  /** Builds a services file from provider classes and raw class names. */
  static String lines(Object... entries) {
    StringBuilder sb = new StringBuilder("# written by a test\n");
    for (Object e : entries) {
      sb.append(e instanceof Class<?> c ? c.getName() : e.toString()).append('\n');
    }
    return sb.toString();
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    if (SERVICES.equals(name)) {
      return Collections.enumeration(serviceFiles);
    }
    return super.getResources(name);
  }

  @Override
  protected Enumeration<URL> findResources(String name) throws IOException {
    if (SERVICES.equals(name)) {
      return Collections.enumeration(serviceFiles);
    }
    return super.findResources(name);
  }

  @Override
  public URL getResource(String name) {
    if (SERVICES.equals(name)) {
      return serviceFiles.isEmpty() ? null : serviceFiles.get(0);
    }
    return super.getResource(name);
  }
}
