package dev.fulcrum.it.capture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two network namespaces a test makes and ends itself, joined by a veth pair and nothing else: a
 * "pod" ({@link #POD_ADDRESS}) and a "remote" side ({@link #REMOTE_ADDRESS} and
 * {@link #OTHER_REMOTE_ADDRESS}). No packet can leave them: neither has any other link or route.
 */
final class NetworkNamespaces implements AutoCloseable {
  static final String POD_ADDRESS = "10.213.0.1";
  static final String REMOTE_ADDRESS = "10.213.0.2";
  static final String OTHER_REMOTE_ADDRESS = "10.213.0.3";
  private static final AtomicInteger COUNT = new AtomicInteger();

  final String pod;
  final String remote;
  private final List<Process> processes = new ArrayList<>();

  private NetworkNamespaces(String pod, String remote) {
    this.pod = pod;
    this.remote = remote;
  }

  /** Whether this machine lets us make network namespaces and run iptables in them. */
  static boolean permitted() {
    String probe = "fulcrum-probe-" + ProcessHandle.current().pid();
    try {
      boolean made = run(Duration.ofSeconds(10), "ip", "netns", "add", probe).exitCode() == 0;
      boolean iptables = made && run(Duration.ofSeconds(10), "ip", "netns", "exec", probe, "iptables-save", "-t", "nat").exitCode() == 0;
      run(Duration.ofSeconds(10), "ip", "netns", "del", probe);
      return iptables;
    } catch (IOException e) {
      return false;
    }
  }

  static NetworkNamespaces create() throws IOException {
    String prefix = "fcap-" + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet();
    NetworkNamespaces namespaces = new NetworkNamespaces(prefix + "-pod", prefix + "-remote");
    String podLink = "v" + Math.floorMod(prefix.hashCode(), 100000) + "p";
    String remoteLink = "v" + Math.floorMod(prefix.hashCode(), 100000) + "r";
    try {
      check("ip", "netns", "add", namespaces.pod);
      check("ip", "netns", "add", namespaces.remote);
      check("ip", "link", "add", podLink, "netns", namespaces.pod, "type", "veth", "peer", "name", remoteLink,
          "netns", namespaces.remote);
      namespaces.in(namespaces.pod, "ip", "addr", "add", POD_ADDRESS + "/29", "dev", podLink);
      namespaces.in(namespaces.remote, "ip", "addr", "add", REMOTE_ADDRESS + "/29", "dev", remoteLink);
      namespaces.in(namespaces.remote, "ip", "addr", "add", OTHER_REMOTE_ADDRESS + "/29", "dev", remoteLink);
      for (String ns : List.of(namespaces.pod, namespaces.remote)) {
        namespaces.in(ns, "ip", "link", "set", "lo", "up");
        namespaces.in(ns, "ip", "link", "set", ns.equals(namespaces.pod) ? podLink : remoteLink, "up");
      }
      return namespaces;
    } catch (IOException | RuntimeException e) {
      namespaces.close();
      throw e;
    }
  }

  /** Runs {@code command} in namespace {@code ns} and fails unless it succeeds. */
  void in(String ns, String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(command));
    check(full.toArray(String[]::new));
  }

  /** A {@link TcpResponder} in {@code ns} for each {@code NAME:PORT}; returns once all listen. */
  void responders(String ns, String... namesAndPorts) throws IOException {
    List<String> command = new ArrayList<>(List.of(TcpResponder.class.getName()));
    command.addAll(List.of(namesAndPorts));
    awaitListening(java(ns, null, System.getProperty("java.class.path"), null, command.toArray(String[]::new)),
        "responders " + List.of(namesAndPorts) + " in " + ns);
  }

  /** A {@link HttpEchoServer} in {@code ns} on {@code port}; returns once it listens. */
  void httpEcho(String ns, int port) throws IOException {
    awaitListening(java(ns, null, System.getProperty("java.class.path"), null, HttpEchoServer.class.getName(),
        String.valueOf(port)), "the HTTP echo server in " + ns);
  }

  private static void awaitListening(Process process, String what) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"listening".equals(line)) {
      throw new IOException(what + " did not start: " + line);
    }
  }

  /**
   * Starts {@code java -cp CLASSPATH ARGS...} in {@code ns}, as user {@code uid} (root when null),
   * its output to {@code log} (when null, readable from the process; errors to this one's); it ends
   * with the namespaces.
   */
  Process java(String ns, Integer uid, String classpath, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    if (uid != null) {
      command.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
    }
    command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:-UsePerfData", "-cp", classpath));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    if (log == null) {
      builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    } else {
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
    }
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  /**
   * Makes {@code /etc/hosts} in {@code ns} these lines ({@code ADDRESS NAME}), as {@code ip netns
   * exec} does for every process it starts there afterwards, from /etc/netns/NS/hosts.
   */
  void hosts(String ns, String... lines) throws IOException {
    Path dir = Path.of("/etc/netns", ns);
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n" + String.join("\n", lines) + "\n");
  }

  /**
   * Sends {@code request} from {@code ns} (as root) to {@code host:port} over TCP and returns all
   * the answer, to the server's end of the connection.
   */
  String exchange(String ns, String host, int port, String request) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("ip", "netns", "exec", ns, "timeout", "10", "bash", "-c",
        "exec 3<>/dev/tcp/" + host + "/" + port + " && printf '%s' \"$REQUEST\" >&3 && cat <&3");
    builder.environment().put("REQUEST", request);
    Path out = java.nio.file.Files.createTempFile("netns-exchange", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("the exchange with " + host + ":" + port + " in " + ns + " did not end");
      }
      return java.nio.file.Files.readString(out, StandardCharsets.ISO_8859_1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      java.nio.file.Files.delete(out);
    }
  }

  /**
   * Connects from {@code ns} to {@code host:port} as user {@code uid} (root when empty, as a pod's
   * application would connect as anyone) and returns the line the listener that took the
   * connection answered; empty if none answered.
   */
  String connect(String ns, Integer uid, String host, int port) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    if (uid != null) {
      command.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
    }
    command.addAll(List.of("timeout", "5", "bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port + " && cat <&3"));
    return run(Duration.ofSeconds(10), command.toArray(String[]::new)).stdout().strip();
  }

  /** The nat table of {@code ns}, as iptables-save prints it, without its comments and counters. */
  String nat(String ns) throws IOException {
    Result save = run(Duration.ofSeconds(10), "ip", "netns", "exec", ns, "iptables-save", "-t", "nat");
    if (save.exitCode() != 0) {
      throw new IOException("iptables-save in " + ns + ": " + save.stderr());
    }
    return String.join("\n", save.stdout().lines().filter(line -> !line.startsWith("#"))
        .map(line -> line.replaceAll("\\[\\d+:\\d+\\]", "[0:0]")).toList());
  }

  record Result(int exitCode, String stdout, String stderr) {}

  static Result run(Duration timeout, String... command) throws IOException {
    Path out = java.nio.file.Files.createTempFile("netns-out", ".txt");
    Path err = java.nio.file.Files.createTempFile("netns-err", ".txt");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " still running after " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    Result result = new Result(process.exitValue(), java.nio.file.Files.readString(out), java.nio.file.Files.readString(err));
    java.nio.file.Files.delete(out);
    java.nio.file.Files.delete(err);
    return result;
  }

  private static void check(String... command) throws IOException {
    Result result = run(Duration.ofSeconds(30), command);
    if (result.exitCode() != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + result.exitCode() + "): " + result.stderr());
    }
  }

  @Override
  public void close() {
    processes.forEach(Process::destroyForcibly);
    for (String ns : List.of(pod, remote)) {
      try {
        java.nio.file.Files.deleteIfExists(Path.of("/etc/netns", ns, "hosts"));
        java.nio.file.Files.deleteIfExists(Path.of("/etc/netns", ns));
      } catch (IOException e) {
        System.err.println("could not remove /etc/netns/" + ns + ": " + e.getMessage());
      }
      try {
        run(Duration.ofSeconds(10), "ip", "netns", "del", ns); // its veth end, and so the pair, goes with it
      } catch (IOException e) {
        System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
      }
    }
  }
}
