package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tools/fulcrum} as a user runs it: real processes talking real gRPC and xDS. */
class LauncherTest {
  private static final Duration QUICK = Duration.ofSeconds(60);
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopProcesses() {
    processes.forEach(Process::destroy);
    for (Process process : processes) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroyForcibly();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"echo", "control-plane", "proxy", "demo", "bench", "stat", "config-dump", "identity"})
  void everyCommandHasHelp(String command) throws Exception {
    Launcher.Result result = Launcher.run(QUICK, command, "--help");
    assertEquals(0, result.exitCode(), result.stderr());
    assertTrue(result.stdout().startsWith("Usage: fulcrum " + command), result.stdout());
  }

  @Test
  void topLevelHelpListsTheCommands() throws Exception {
    Launcher.Result result = Launcher.run(QUICK, "--help");
    assertEquals(0, result.exitCode());
    for (String command : List.of("echo", "control-plane", "proxy", "demo", "bench", "stat", "config-dump", "identity")) {
      assertTrue(result.stdout().contains(command), command + " missing from:\n" + result.stdout());
    }
  }

  @Test
  void aBadFlagGivesOneClearLineAndExitCode2() throws Exception {
    assertUsageError(Launcher.run(QUICK, "proxy", "--listen-port", "eighty", "--target-ports", "7001"), "--listen-port");
    assertUsageError(Launcher.run(QUICK, "proxy", "--listen-port", "8080"), "--xds-server");
    assertUsageError(Launcher.run(QUICK, "proxy", "--xds-server", "nocolon"), "HOST:PORT");
    assertUsageError(Launcher.run(QUICK, "proxy", "--xds-server", "127.0.0.1:1", "--io-threads", "-1"), "--io-threads");
    assertUsageError(Launcher.run(QUICK, "proxy", "--xds-server", "127.0.0.1:1", "--trace-sampling", "1.5"), "--trace-sampling");
    assertUsageError(Launcher.run(QUICK, "proxy", "--xds-server", "127.0.0.1:1", "--trace-sampling", "NaN"), "--trace-sampling");
    assertUsageError(Launcher.run(QUICK, "echo", "--port", "7001", "--bogus"), "--bogus");
    assertUsageError(Launcher.run(QUICK, "proxy", "--xds-server", "127.0.0.1:1", "--identity", "echo"), "--identity");
    assertUsageError(Launcher.run(QUICK, "proxy", "--xds-server", "127.0.0.1:1", "--inbound-port", "4143",
        "--app-port", "7001"), "--inbound-port");
    assertUsageError(Launcher.run(QUICK, "proxy", "--xds-server", "127.0.0.1:1", "--inbound-port", "4143",
        "--identity", "default/echo"), "--app-port");
    assertUsageError(Launcher.run(QUICK, "proxy", "--xds-server", "127.0.0.1:1", "--inbound-port", "4143",
        "--app-port", "7001", "--identity", "default/echo", "--inbound-tls", "lenient"), "--inbound-tls");
    assertUsageError(Launcher.run(QUICK, "control-plane", "--kubernetes", "--identity-dir", "/tmp/x"), "--identity-dir");
    assertUsageError(Launcher.run(QUICK, "bench", "--target", "127.0.0.1:1", "--duration", "soon"), "--duration");
    assertUsageError(Launcher.run(QUICK, "stat", "--control-plane", "nocolon"), "HOST:PORT");
    assertUsageError(Launcher.run(QUICK, "config-dump"), "--proxy");
    assertUsageError(Launcher.run(QUICK, "config-dump", "--proxy", "127.0.0.1:http"), "--proxy");
  }

  @Test
  void aBadLinksFileGivesOneClearLineAndExitCode2() throws Exception {
    assertUsageError(Launcher.run(QUICK, "control-plane", "--config", "/nonexistent/links.yaml"), "/nonexistent/links.yaml");
    Path links = Files.createTempFile("links", ".yaml");
    Files.writeString(links, Mesh.seedLink().replace("{v1}", "7001").replace("{v2}", "7002")
        .replace("request-timeout: 5s", "request-timeout: soon"));
    Launcher.Result result = Launcher.run(QUICK, "control-plane", "--config", links.toString(),
        "--xds-port", String.valueOf(Launcher.freePort()), "--admin-port", String.valueOf(Launcher.freePort()));
    assertUsageError(result, "spec.policy.request-timeout");
  }

  private static void assertUsageError(Launcher.Result result, String mentioned) {
    assertEquals(2, result.exitCode(), result.stdout() + result.stderr());
    String[] lines = result.stderr().strip().split("\n");
    assertEquals(1, lines.length, "one line, not:\n" + result.stderr());
    assertTrue(lines[0].startsWith("fulcrum ") && lines[0].contains(mentioned), lines[0]);
  }

  @Test
  void theDemoSpreadsItsCallsAcrossBothBackends() throws Exception {
    int dashboard = Launcher.freePort();
    Launcher.Result result = Launcher.run(Duration.ofSeconds(120), "demo",
        "--echo-ports", Launcher.freePort() + "," + Launcher.freePort(),
        "--inbound-ports", Launcher.freePort() + "," + Launcher.freePort(),
        "--proxy-port", String.valueOf(Launcher.freePort()),
        "--xds-port", String.valueOf(Launcher.freePort()),
        "--admin-port", String.valueOf(dashboard));
    assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
    assertTrue(result.stdout().contains("dashboard          http://127.0.0.1:" + dashboard + "/"), result.stdout());
    assertTrue(result.stdout().contains("Sent 1000 calls through the proxy"), result.stdout());
    assertTrue(result.stdout().contains(", 0 failed"), result.stdout());
    assertSpread(backendTable(result.stdout()), 1000);
    // Each backend behind its strict inbound sidecar, reached over mTLS as the identity it must prove.
    for (int i = 1; i <= 2; i++) {
      assertTrue(Pattern.compile("(?m)^  v" + i + " \\(app 127\\.0\\.0\\.1:\\d+\\) via 127\\.0\\.0\\.1:\\d+: mTLS, server proved "
          + Pattern.quote("spiffe://cluster.local/ns/default/sa/echo-v" + i) + "$").matcher(result.stdout()).find(), result.stdout());
    }
  }

  /** As deploy/build-images.sh runs it to list the classes the proxy image archives. */
  @Test
  void theDemoRunsOnAnyFreePortsWhenGivenZero() throws Exception {
    Launcher.Result result = Launcher.run(Duration.ofSeconds(120), "demo", "--calls", "200",
        "--echo-ports", "0,0", "--inbound-ports", "0,0", "--proxy-port", "0", "--xds-port", "0", "--admin-port", "0");
    assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
    assertFalse(Pattern.compile("127\\.0\\.0\\.1:0(?!\\d)").matcher(result.stdout()).find(), "every port bound:\n" + result.stdout());
    assertTrue(result.stdout().contains("Sent 200 calls through the proxy"), result.stdout());
    assertTrue(result.stdout().contains(", 0 failed"), result.stdout());
    assertSpread(backendTable(result.stdout()), 200);
  }

  /** Backend rows of the demo's table: "  v1        500   50.0%". */
  private static Map<String, Integer> backendTable(String output) {
    Map<String, Integer> rows = new HashMap<>();
    Matcher row = Pattern.compile("(?m)^\\s+(v\\d+)\\s+(\\d+)\\s+[\\d.]+%$").matcher(output);
    while (row.find()) {
      rows.put(row.group(1), Integer.parseInt(row.group(2)));
    }
    return rows;
  }

  @Test
  void theQuickFormBalancesOverEchoProcesses() throws Exception {
    int echo1 = Launcher.freePort();
    int echo2 = Launcher.freePort();
    int proxy = Launcher.freePort();
    Path echoLog = Files.createTempFile("echo", ".log");
    processes.add(Launcher.start(echoLog, "echo", "--port", String.valueOf(echo1), "--name", "v1"));
    processes.add(Launcher.start(Files.createTempFile("echo", ".log"), "echo", "--port", String.valueOf(echo2), "--name", "v2"));
    processes.add(Launcher.start(Files.createTempFile("proxy", ".log"), "proxy",
        "--listen-port", String.valueOf(proxy), "--target-ports", echo1 + "," + echo2, "--admin-port", "0"));
    Launcher.awaitPort(echo1, QUICK);
    Launcher.awaitPort(echo2, QUICK);
    Launcher.awaitPort(proxy, QUICK);
    assertSpread(callThrough(proxy, 100), 100);
    String log = Files.readString(echoLog);
    assertTrue(log.contains("echo v1 answered Echo 'call"), log);
  }

  @Test
  void aControlPlaneProcessServesAProxyProcess() throws Exception {
    int echo1 = Launcher.freePort();
    int echo2 = Launcher.freePort();
    int xds = Launcher.freePort();
    int proxy = Launcher.freePort();
    Path links = Files.createTempFile("links", ".yaml");
    Files.writeString(links, Mesh.seedLink().replace("{v1}", String.valueOf(echo1)).replace("{v2}", String.valueOf(echo2)));
    processes.add(Launcher.start(Files.createTempFile("echo", ".log"), "echo", "--port", String.valueOf(echo1), "--name", "v1"));
    processes.add(Launcher.start(Files.createTempFile("echo", ".log"), "echo", "--port", String.valueOf(echo2), "--name", "v2"));
    processes.add(Launcher.start(Files.createTempFile("cp", ".log"), "control-plane",
        "--config", links.toString(), "--xds-port", String.valueOf(xds), "--admin-port", String.valueOf(Launcher.freePort())));
    Launcher.awaitPort(xds, QUICK);
    processes.add(Launcher.start(Files.createTempFile("proxy", ".log"), "proxy", "--listen-port", String.valueOf(proxy),
        "--xds-server", "127.0.0.1:" + xds, "--service", Mesh.SERVICE, "--admin-port", "0"));
    Launcher.awaitPort(echo1, QUICK);
    Launcher.awaitPort(echo2, QUICK);
    Launcher.awaitPort(proxy, QUICK);
    assertSpread(callThrough(proxy, 100), 100);
  }

  /**
   * v1 and v2 each took 45-55% of the calls. (Not exactly half: until the second connection is
   * ready, round-robin has only the first to pick.)
   */
  private static void assertSpread(Map<String, Integer> counts, int calls) {
    assertEquals(Set.of("v1", "v2"), counts.keySet(), counts.toString());
    assertEquals(calls, counts.get("v1") + counts.get("v2"), counts.toString());
    for (int count : counts.values()) {
      assertTrue(count >= calls * 0.45 && count <= calls * 0.55, counts.toString());
    }
  }

  /** Sends {@code calls} Echo calls to the proxy on {@code port}; counts them by answering server. */
  private static Map<String, Integer> callThrough(int port, int calls) throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < calls; i++) {
        String server = stub.withDeadlineAfter(20, TimeUnit.SECONDS)
            .echo(EchoRequest.newBuilder().setMessage("call " + i).build()).getServer();
        counts.merge(server, 1, Integer::sum);
      }
      return counts;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
