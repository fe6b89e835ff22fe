package dev.fulcrum.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.ProxyFlags;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.capture.OpaquePorts;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.tools.Fulcrum.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The proxy's inbound flags, and the default inbound policy it asks the control plane for. */
class ProxyCommandTest {

  private static ProxyConfig config(String... more) {
    List<String> args = new ArrayList<>(List.of("--xds-server", "cp.example:18000", "--identity", "default/echo",
        "--inbound-port", "4143", "--app-port", "50051"));
    args.addAll(List.of(more));
    ProxyCommand command = new ProxyCommand();
    new CommandLine(command).parseArgs(args.toArray(String[]::new));
    return command.config("cp.example:18000", Optional.empty(), false);
  }

  @Test
  void theDefaultInboundPolicyGoesIntoTheInboundListenersName() {
    ProxyConfig config = config(DefaultInboundPolicy.FLAG, "authenticated");
    assertEquals(Optional.of(DefaultInboundPolicy.AUTHENTICATED), config.inbound().orElseThrow().defaultPolicy());
    assertEquals("fulcrum/inbound/0.0.0.0:50051?identity=default/echo&default=authenticated", config.inboundListenerName());
  }

  @Test
  void withoutItTheControlPlaneDecides() {
    ProxyConfig config = config();
    assertEquals(Optional.empty(), config.inbound().orElseThrow().defaultPolicy());
    assertEquals("fulcrum/inbound/0.0.0.0:50051?identity=default/echo", config.inboundListenerName());
  }

  @Test
  void anInvalidValueIsOneLineListingTheChoices() {
    UsageException e = assertThrows(UsageException.class, () -> config(DefaultInboundPolicy.FLAG, "open"));
    assertEquals("--default-inbound-policy: 'open' is not allow|authenticated|deny", e.getMessage());
  }

  @Test
  void itNeedsAnInboundSide() {
    ProxyCommand command = new ProxyCommand();
    new CommandLine(command).parseArgs("--xds-server", "cp.example:18000", DefaultInboundPolicy.FLAG, "deny");
    UsageException e = assertThrows(UsageException.class, () -> command.config("cp.example:18000", Optional.empty(), false));
    assertEquals("--app-port, --inbound-tls and --default-inbound-policy: only with --inbound-port", e.getMessage());
  }

  private static ProxyConfig outbound(String... more) {
    List<String> args = new ArrayList<>(List.of("--xds-server", "cp.example:18000", "--listen-port", "15001"));
    args.addAll(List.of(more));
    ProxyCommand command = new ProxyCommand();
    new CommandLine(command).parseArgs(args.toArray(String[]::new));
    return command.config("cp.example:18000", Optional.empty(), false);
  }

  @Test
  void aCapturedProxyPassesTheServerSpeaksFirstPortsThroughUnlessTold() {
    assertEquals(Optional.of(new ProxyConfig.Capture(OpaquePorts.DEFAULT)), outbound(ProxyFlags.CAPTURED).capture());
    assertEquals(Set.of(5432, 27017), outbound(ProxyFlags.CAPTURED, OpaquePorts.FLAG, "5432,27017").capture().orElseThrow()
        .opaquePorts().ports());
    assertEquals(Set.of(), outbound(ProxyFlags.CAPTURED, OpaquePorts.FLAG, "").capture().orElseThrow().opaquePorts().ports());
    assertEquals(Optional.empty(), outbound().capture());
    // The help says the default the proxy applies.
    assertTrue(new CommandLine(new ProxyCommand()).getUsageMessage().contains(OpaquePorts.DEFAULT.toString()));
  }

  @Test
  void captureFlagsThatCannotApplyAreOneLine() {
    assertEquals("--opaque-ports: 'mysql' is not a port (1-65535)", assertThrows(UsageException.class,
        () -> outbound(ProxyFlags.CAPTURED, OpaquePorts.FLAG, "mysql")).getMessage());
    assertEquals("--opaque-ports: only with --captured", assertThrows(UsageException.class,
        () -> outbound(OpaquePorts.FLAG, "3306")).getMessage());
    assertEquals("--captured: needs the outbound side (--listen-port), where captured connections arrive",
        assertThrows(UsageException.class, () -> config(ProxyFlags.CAPTURED)).getMessage());
  }
}
