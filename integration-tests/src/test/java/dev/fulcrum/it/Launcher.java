package dev.fulcrum.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code tools/fulcrum} as users do: a real process, its exit code and its output. */
final class Launcher {
  private static final Path LAUNCHER = Path.of(System.getProperty("fulcrum.launcher", "../tools/fulcrum"));

  private Launcher() {}

  record Result(int exitCode, String stdout, String stderr) {}

  /** Runs a command to completion. */
  static Result run(Duration timeout, String... args) throws IOException, InterruptedException {
    return run(Map.of(), timeout, args);
  }

  /** Runs a command to completion with {@code environment} added to this one's. */
  static Result run(Map<String, String> environment, Duration timeout, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("fulcrum-out", ".txt");
    Path err = Files.createTempFile("fulcrum-err", ".txt");
    ProcessBuilder builder = builder(args);
    builder.environment().putAll(environment);
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("fulcrum " + String.join(" ", args) + " still running after " + timeout
          + "\n" + Files.readString(out) + Files.readString(err));
    }
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Starts a long-running command; its output goes to {@code log}. */
  static Process start(Path log, String... args) throws IOException {
    return start(Map.of(), log, args);
  }

  static Process start(Map<String, String> environment, Path log, String... args) throws IOException {
    ProcessBuilder builder = builder(args);
    builder.environment().putAll(environment);
    return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static ProcessBuilder builder(String... args) {
    List<String> command = new ArrayList<>();
    command.add(LAUNCHER.toAbsolutePath().toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /** The body of GET http://127.0.0.1:{@code port}{@code path}, a process's admin endpoint; anything but a 200 fails. */
  static String get(int port, String path) throws IOException, InterruptedException {
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("GET :" + port + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** Ports handed out by {@link #freePort}, never handed out again by this JVM. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A port free now, and not one this JVM handed out before: processes bind theirs later (a
   * sidecar's inbound port only once its policy came), so the same free port given twice would go
   * to whichever binds first, and the other would fail to start.
   */
  static int freePort() throws IOException {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0)) {
        if (HANDED_OUT.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      }
    }
  }

  /** Waits until something accepts connections on 127.0.0.1:{@code port}. */
  static void awaitPort(int port, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("nothing listening on port " + port + " after " + timeout);
        }
        Thread.sleep(50);
      }
    }
  }
}
