package dev.fulcrum.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.injection.SidecarSettings;
import dev.fulcrum.controlplane.injection.WebhookConfig;
import dev.fulcrum.tools.Fulcrum.UsageException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The control plane's flags as deploy/control-plane.yaml gives them, and the ones it refuses. */
class ControlPlaneCommandTest {
  @TempDir Path dir;

  private static ControlPlaneConfig config(String... args) {
    ControlPlaneCommand command = new ControlPlaneCommand();
    new CommandLine(command).parseArgs(args);
    return command.config();
  }

  private String[] withWebhook(String... more) throws Exception {
    return withWebhookOn("8443", more);
  }

  private String[] withWebhookOn(String port, String... more) throws Exception {
    Path crt = Files.writeString(dir.resolve("tls.crt"), "cert");
    Path key = Files.writeString(dir.resolve("tls.key"), "key");
    List<String> args = new ArrayList<>(List.of("--kubernetes", "--webhook-port", port,
        "--webhook-cert", crt.toString(), "--webhook-key", key.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void noWebhookUnlessAPortIsGiven() {
    ControlPlaneConfig config = config("--kubernetes", "--admin-address", "0.0.0.0");
    assertEquals(new InetSocketAddress("0.0.0.0", 9900), config.adminAddress().orElseThrow());
    assertEquals(new InetSocketAddress("0.0.0.0", 18000), config.xdsAddress());
    assertEquals(Optional.empty(), config.webhook());
  }

  @Test
  void theWebhookWithTheDefaultSidecar() throws Exception {
    WebhookConfig webhook = config(withWebhook()).webhook().orElseThrow();
    assertEquals(new InetSocketAddress("0.0.0.0", 8443), webhook.address());
    assertEquals(dir.resolve("tls.crt"), webhook.certificate());
    assertEquals(dir.resolve("tls.key"), webhook.privateKey());
    assertEquals(SidecarSettings.defaults(), webhook.sidecar());
    assertEquals(new SidecarSettings("fulcrum/proxy:0.1.0", "fulcrum-control-plane.fulcrum-system.svc:18000", 15001, 9990),
        webhook.sidecar());
  }

  @Test
  void theSidecarFromTheFlags() throws Exception {
    WebhookConfig webhook = config(withWebhook("--proxy-image", "registry.example/proxy:dev",
        "--proxy-xds-server", "cp.mesh.svc.cluster.local:18001", "--proxy-outbound-port", "16001",
        "--proxy-admin-port", "16002")).webhook().orElseThrow();
    assertEquals(new SidecarSettings("registry.example/proxy:dev", "cp.mesh.svc.cluster.local:18001", 16001, 16002),
        webhook.sidecar());
  }

  @Test
  void injectedProxiesTraceWhenGivenACollector() throws Exception {
    WebhookConfig webhook = config(withWebhook("--proxy-otlp-endpoint", "http://otel-collector.observability:4318/v1/traces",
        "--proxy-trace-sampling", "0.05")).webhook().orElseThrow();
    assertEquals(new SidecarSettings("fulcrum/proxy:0.1.0", "fulcrum-control-plane.fulcrum-system.svc:18000", 15001, 9990,
        Optional.of("http://otel-collector.observability:4318/v1/traces"), 0.05, true, InboundTls.PERMISSIVE), webhook.sidecar());
    assertEquals("--proxy-otlp-endpoint: 'otel-collector:4318' is not an http(s) URL", assertThrows(UsageException.class,
        () -> config(withWebhook("--proxy-otlp-endpoint", "otel-collector:4318"))).getMessage());
    assertEquals("--proxy-trace-sampling: only with --proxy-otlp-endpoint", assertThrows(UsageException.class,
        () -> config(withWebhook("--proxy-trace-sampling", "0.5"))).getMessage());
    assertEquals("--proxy-trace-sampling: 2.0 is not between 0 and 1", assertThrows(UsageException.class,
        () -> config(withWebhook("--proxy-otlp-endpoint", "http://c:4318/v1/traces", "--proxy-trace-sampling", "2")))
        .getMessage());
  }

  @Test
  void theDefaultInboundPolicyIsAFlagAllowUnlessSet() {
    assertEquals(DefaultInboundPolicy.ALLOW, config("--kubernetes").defaultInboundPolicy());
    assertEquals(DefaultInboundPolicy.DENY, config("--kubernetes", "--default-inbound-policy", "deny").defaultInboundPolicy());
    assertEquals("--default-inbound-policy: 'closed' is not one of allow|authenticated|deny", assertThrows(UsageException.class,
        () -> config("--kubernetes", "--default-inbound-policy", "closed")).getMessage());
  }

  @Test
  void theInjectorsDefaultInboundModeIsAFlag() throws Exception {
    assertEquals(InboundTls.STRICT, config(withWebhook("--default-inbound-tls", "strict")).webhook().orElseThrow()
        .sidecar().inboundTls());
    assertEquals("--default-inbound-tls: 'mutual' is neither strict nor permissive", assertThrows(UsageException.class,
        () -> config(withWebhook("--default-inbound-tls", "mutual"))).getMessage());
    assertEquals("--default-inbound-tls: only with --webhook-port (it is the injector's default)",
        assertThrows(UsageException.class, () -> config("--kubernetes", "--default-inbound-tls", "strict"))
            .getMessage());
  }

  @Test
  void flagsThatCannotBeUsedAreOneLine() throws Exception {
    assertEquals("--webhook-cert: needed with --webhook-port",
        assertThrows(UsageException.class, () -> config("--kubernetes", "--webhook-port", "8443")).getMessage());
    assertEquals("--webhook-cert and --webhook-key: only with --webhook-port",
        assertThrows(UsageException.class, () -> config("--kubernetes", "--webhook-key", "k")).getMessage());
    assertEquals("--webhook-port: 70000 is not a port (0-65535)",
        assertThrows(UsageException.class, () -> config(withWebhookOn("70000"))).getMessage());
    assertEquals("--proxy-xds-server: 'control-plane' is not HOST:PORT",
        assertThrows(UsageException.class, () -> config(withWebhook("--proxy-xds-server", "control-plane"))).getMessage());
    assertEquals("--proxy-outbound-port and --proxy-admin-port: both 9990",
        assertThrows(UsageException.class, () -> config(withWebhook("--proxy-outbound-port", "9990"))).getMessage());
    Path missing = dir.resolve("missing.key");
    assertEquals("--webhook-key: cannot read " + missing, assertThrows(UsageException.class, () -> config(
        "--kubernetes", "--webhook-port", "8443", "--webhook-cert", "pom.xml", "--webhook-key", missing.toString()))
        .getMessage());
  }

  @Test
  void theLauncherSaysSoInOneLineWithExitCode2() throws Exception {
    StringWriter err = new StringWriter();
    CommandLine line = Fulcrum.commandLine();
    line.setErr(new PrintWriter(err));
    int code = line.execute("control-plane", "--kubernetes", "--webhook-port", "8443");
    assertEquals(2, code);
    assertEquals("fulcrum control-plane: --webhook-cert: needed with --webhook-port", err.toString().strip());
  }

  @Test
  void helpNamesTheNewFlags() {
    String usage = new CommandLine(new ControlPlaneCommand()).getUsageMessage();
    for (String flag : List.of("--webhook-port", "--webhook-cert", "--webhook-key", "--proxy-image", "--proxy-xds-server")) {
      assertTrue(usage.contains(flag), flag);
    }
  }
}
