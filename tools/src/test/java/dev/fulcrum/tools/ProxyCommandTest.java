package dev.fulcrum.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.tools.Fulcrum.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
}
