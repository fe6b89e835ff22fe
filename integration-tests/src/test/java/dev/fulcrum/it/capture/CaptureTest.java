package dev.fulcrum.it.capture;

import static dev.fulcrum.it.capture.NetworkNamespaces.OTHER_REMOTE_ADDRESS;
import static dev.fulcrum.it.capture.NetworkNamespaces.POD_ADDRESS;
import static dev.fulcrum.it.capture.NetworkNamespaces.REMOTE_ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.fulcrum.contract.capture.CaptureSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tools/fulcrum capture} in real network namespaces with real iptables (whichever backend
 * the machine's alternatives choose): a "pod" namespace whose nat table the command writes, and a
 * "remote" one, joined by a veth pair and nothing else. Listeners that answer with their name tell
 * where each connection went: the proxy's outbound or inbound port, or its original destination.
 * The command line is the one the injector writes, {@link CaptureSettings#installArgs}.
 */
class CaptureTest {
  private static final Path LAUNCHER = Path.of(System.getProperty("fulcrum.launcher", "../tools/fulcrum")).toAbsolutePath();
  private static final int PROXY_UID = CaptureSettings.DEFAULT_PROXY_UID;
  private static final CaptureSettings SETTINGS = new CaptureSettings(PROXY_UID, 15001, 4143, List.of(3306), List.of(9990),
      List.of(OTHER_REMOTE_ADDRESS + "/32"));

  private NetworkNamespaces namespaces;

  @BeforeAll
  static void permitted() {
    dev.fulcrum.it.Prerequisite.require(NetworkNamespaces.permitted(),
        "network namespaces and iptables are not permitted here (ip netns add, iptables-save in it)");
  }

  @BeforeEach
  void namespaces() throws IOException {
    namespaces = NetworkNamespaces.create();
    // In the pod: the proxy's two ports, an admin port, and an application listening on loopback.
    namespaces.responders(namespaces.pod, "proxy-outbound:15001", "proxy-inbound:4143", "proxy-admin:9990", "local:7000");
    namespaces.responders(namespaces.remote, "remote:80", "remote-mysql:3306", "remote:8080");
  }

  @AfterEach
  void end() {
    namespaces.close();
  }

  private NetworkNamespaces.Result capture(List<String> args, String... environment) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespaces.pod, "env"));
    command.addAll(List.of(environment));
    command.add(LAUNCHER.toString());
    command.addAll(args);
    return NetworkNamespaces.run(Duration.ofSeconds(60), command.toArray(String[]::new));
  }

  private void install() throws IOException {
    NetworkNamespaces.Result installed = capture(SETTINGS.installArgs());
    assertEquals(0, installed.exitCode(), installed.stderr());
  }

  private String fromPod(String host, int port) throws IOException {
    return namespaces.connect(namespaces.pod, null, host, port);
  }

  private String fromRemote(int port) throws IOException {
    return namespaces.connect(namespaces.remote, null, POD_ADDRESS, port);
  }

  @Test
  void outboundAndInboundConnectionsGoToTheProxyButWhatIsSkipped() throws IOException {
    assertEquals("remote", fromPod(REMOTE_ADDRESS, 80), "before install, nothing is captured");

    install();

    assertEquals("proxy-outbound", fromPod(REMOTE_ADDRESS, 80), "an application's connection goes to the proxy");
    assertEquals("proxy-outbound", fromPod(REMOTE_ADDRESS, 8080));
    assertEquals("remote", namespaces.connect(namespaces.pod, PROXY_UID, REMOTE_ADDRESS, 80),
        "the proxy's own connections reach their destination: no loop");
    assertEquals("remote-mysql", fromPod(REMOTE_ADDRESS, 3306), "a skipped outbound port");
    assertEquals("remote", fromPod(OTHER_REMOTE_ADDRESS, 80), "a skipped destination");
    assertEquals("local", fromPod("127.0.0.1", 7000), "loopback is never captured");

    assertEquals("proxy-inbound", fromRemote(8080), "a connection to the application's port goes to the inbound side");
    assertEquals("proxy-inbound", fromRemote(4143), "meshed callers dialling the inbound port get there as before");
    assertEquals("proxy-admin", fromRemote(9990), "a skipped inbound port");
  }

  @Test
  void installIsIdempotentAndRemoveLeavesTheTableAsItWas() throws IOException {
    String before = namespaces.nat(namespaces.pod);
    install();
    String installed = namespaces.nat(namespaces.pod);
    assertNotEquals(before, installed);

    install();
    assertEquals(installed, namespaces.nat(namespaces.pod), "installing again changes nothing");

    NetworkNamespaces.Result removed = capture(List.of(CaptureSettings.COMMAND, CaptureSettings.REMOVE));
    assertEquals(0, removed.exitCode(), removed.stderr());
    assertEquals(before, namespaces.nat(namespaces.pod), "no rule or chain left behind");
    assertEquals("remote", fromPod(REMOTE_ADDRESS, 80));
    assertEquals(0, capture(List.of(CaptureSettings.COMMAND, CaptureSettings.REMOVE)).exitCode(), "removing twice is fine");
  }

  @Test
  void badInputIsOneLineAndExitTwoWithNothingInstalled() throws IOException {
    String before = namespaces.nat(namespaces.pod);
    List<String> badCidr = new ArrayList<>(SETTINGS.installArgs());
    badCidr.set(badCidr.indexOf(CaptureSettings.SKIP_OUTBOUND_CIDRS) + 1, "10.0.0.0/33");
    List<String> badPort = new ArrayList<>(SETTINGS.installArgs());
    badPort.set(badPort.indexOf(CaptureSettings.OUTBOUND_PORT) + 1, "http");
    for (List<String> args : List.of(badCidr, badPort, List.of(CaptureSettings.COMMAND, CaptureSettings.INSTALL, "--proxy-user", "x"))) {
      NetworkNamespaces.Result refused = capture(args);
      assertEquals(2, refused.exitCode(), args + ": " + refused.stderr());
      assertEquals(1, refused.stderr().strip().lines().count(), refused.stderr());
    }
    assertEquals("fulcrum capture install: --skip-outbound-cidrs: '10.0.0.0/33' is not an IPv4 CIDR (a.b.c.d/n)",
        capture(badCidr).stderr().strip());

    // No iptables: a PATH with only what the launcher itself needs.
    Path bin = Files.createTempDirectory("no-iptables");
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    Files.createSymbolicLink(bin.resolve("java"), java);
    for (String tool : List.of("bash", "cat", "dirname")) {
      Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
    }
    NetworkNamespaces.Result missing = capture(SETTINGS.installArgs(), "PATH=" + bin);
    assertEquals(2, missing.exitCode(), missing.stderr());
    assertEquals("fulcrum capture install: iptables-save not found on PATH; the proxy image has Debian's iptables",
        missing.stderr().strip());
    assertEquals(before, namespaces.nat(namespaces.pod), "nothing installed by any of them");
  }
}
