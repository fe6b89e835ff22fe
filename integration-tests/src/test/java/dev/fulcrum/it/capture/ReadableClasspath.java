package dev.fulcrum.it.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The launcher's classpath (tools/target/classes and the jars tools/target/classpath.txt lists), in
 * a directory any user can read: the proxy runs as its own user, as in a pod, and the Maven
 * repository is usually under root's private home. Jars are hard links where the file system
 * allows (no copying), copies otherwise; class directories are copied.
 */
final class ReadableClasspath implements AutoCloseable {
  private final Path dir;
  private final List<Path> entries = new ArrayList<>();

  private ReadableClasspath(Path dir) {
    this.dir = dir;
  }

  /** From the tools module beside {@code launcher} ({@code tools/fulcrum}). */
  static ReadableClasspath ofLauncher(Path launcher) throws IOException {
    Path tools = launcher.toAbsolutePath().getParent();
    List<Path> sources = new ArrayList<>(List.of(tools.resolve("target/classes")));
    for (String entry : Files.readString(tools.resolve("target/classpath.txt")).strip().split(":")) {
      sources.add(Path.of(entry));
    }
    Path dir = Files.createTempDirectory("fulcrum-readable-cp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    ReadableClasspath classpath = new ReadableClasspath(dir);
    try {
      for (int i = 0; i < sources.size(); i++) {
        Path source = sources.get(i);
        Path target = dir.resolve(i + "-" + source.getFileName());
        if (Files.isDirectory(source)) {
          copyTree(source, target);
        } else {
          link(source, target);
        }
        classpath.entries.add(target);
      }
      return classpath;
    } catch (IOException | RuntimeException e) {
      classpath.close();
      throw e;
    }
  }

  String classpath() {
    return String.join(":", entries.stream().map(Path::toString).toList());
  }

  private static void link(Path source, Path target) throws IOException {
    try {
      Files.createLink(target, source);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
    readable(target, false);
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path each : (Iterable<Path>) walk::iterator) {
        Path to = target.resolve(source.relativize(each).toString());
        if (Files.isDirectory(each)) {
          try {
            Files.createDirectories(to);
          } catch (FileAlreadyExistsException e) {
            // made already
          }
          readable(to, true);
        } else {
          Files.copy(each, to, StandardCopyOption.REPLACE_EXISTING);
          readable(to, false);
        }
      }
    }
  }

  private static void readable(Path path, boolean directory) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(directory ? "rwxr-xr-x" : "rw-r--r--"));
  }

  @Override
  public void close() {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not remove " + dir + ": " + e.getMessage());
    }
  }
}
