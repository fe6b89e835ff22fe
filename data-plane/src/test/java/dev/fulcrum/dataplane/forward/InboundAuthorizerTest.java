package dev.fulcrum.dataplane.forward;

import static dev.fulcrum.dataplane.authz.TestPolicies.allowAll;
import static dev.fulcrum.dataplane.authz.TestPolicies.enforcing;
import static dev.fulcrum.dataplane.authz.TestPolicies.exactly;
import static dev.fulcrum.dataplane.authz.TestPolicies.method;
import static dev.fulcrum.dataplane.authz.TestPolicies.parsed;
import static dev.fulcrum.dataplane.authz.TestPolicies.policy;
import static dev.fulcrum.dataplane.authz.TestPolicies.rules;
import static dev.fulcrum.dataplane.authz.TestPolicies.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.stats.InboundStats;
import dev.fulcrum.contract.stats.PolicyStats;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.authz.Decision;
import dev.fulcrum.dataplane.authz.PolicyInForce;
import dev.fulcrum.dataplane.authz.TestPolicies;
import dev.fulcrum.dataplane.identity.IdentityClient;
import dev.fulcrum.dataplane.identity.IdentityFiles;
import dev.fulcrum.dataplane.identity.TestCa;
import dev.fulcrum.dataplane.identity.WorkloadIdentity;
import dev.fulcrum.dataplane.telemetry.InboundAuthorizations;
import dev.fulcrum.dataplane.telemetry.ProxyTelemetry;
import dev.fulcrum.dataplane.telemetry.Tracing;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authorization through the real inbound side: callers with their own mesh certificates over mTLS
 * (and a plaintext one, the side being permissive), the proxy certified by a CA's identity service,
 * and the application behind it on loopback.
 */
class InboundAuthorizerTest {
  private static final String ECHO = "fulcrum.echo.v1.EchoService";
  /** default/client may call every Echo method; default/other only ServerStream; one Authorization, two rules. */
  private static final RBAC ECHO_CALLERS = rules(RBAC.Action.ALLOW, Map.of(
      "default/echo-callers#0", policy(service(ECHO), exactly("default/client")),
      "default/echo-callers#1", policy(method(ECHO + "/ServerStream"), exactly("default/other"))));

  @TempDir
  Path identityDir;

  private final PolicyInForce policies = new PolicyInForce();
  private TestCa ca;
  private Server identityService;
  private TestApp app;
  private EventLoops eventLoops;
  private ProxyTelemetry telemetry;
  private InboundAuthorizations authorizations;
  private WorkloadIdentity identity;
  private InboundServer inbound;

  @BeforeEach
  void startInboundSide() throws Exception {
    ca = new TestCa();
    identityService = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(ca.identityService())
        .build().start();
    app = new TestApp();
    ProxyConfig config = ProxyConfig.local(0, "127.0.0.1:" + identityService.getPort(), Optional.empty(), "node")
        .withIdentity(new ProxyConfig.Identity("default/echo", Optional.of(identityDir), Optional.empty()))
        .withInbound(new ProxyConfig.Inbound(new InetSocketAddress("127.0.0.1", 0), app.port(), InboundTls.PERMISSIVE), false);
    eventLoops = new EventLoops(config);
    telemetry = new ProxyTelemetry(new Tracing(config), config);
    authorizations = new InboundAuthorizations(config, telemetry);
    AppForwarder forwarder = new AppForwarder(config, eventLoops, telemetry);
    identity = new WorkloadIdentity(new IdentityClient(config.xdsServer(), "default/echo", Optional.empty()),
        new IdentityFiles(identityDir), telemetry.registry(), Clock.systemUTC()).start();
    inbound = new InboundServer(config, new InboundAuthorizer(forwarder, policies, authorizations), forwarder, eventLoops,
        Optional.of(identity), telemetry);
    inbound.start();
  }

  @AfterEach
  void stop() throws Exception {
    inbound.close();
    identity.close();
    eventLoops.close();
    app.close();
    identityService.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Calls {@code method} (Echo or ServerStream) as {@code credentials}' holder; its status. */
  private Status call(ChannelCredentials credentials, String method, String message) throws InterruptedException {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", inbound.port(), credentials).build();
    try {
      EchoServiceGrpc.EchoServiceBlockingStub echo = EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
      EchoRequest request = EchoRequest.newBuilder().setMessage(message).build();
      if (method.equals("Echo")) {
        assertEquals(message, echo.echo(request).getMessage());
      } else {
        assertEquals(message, echo.serverStream(request).next().getMessage());
      }
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private ChannelCredentials as(String workload) throws Exception {
    return TestCa.client(ca.workload(workload));
  }

  private double counted(String authz, String policy) {
    String prefix = "fulcrum_inbound_authorizations_total{authz=\"" + authz + "\",policy=\"" + policy + "\"}";
    String scrape = telemetry.registry().scrape();
    return scrape.lines().filter(line -> line.startsWith(prefix + " ")).mapToDouble(line -> Double.parseDouble(line.substring(prefix.length() + 1)))
        .findFirst().orElse(0);
  }

  @Test
  void theAllowedCallerPassesAndAnotherIdentityIsRefusedOneMethodNotAnotherBeforeTheApplicationSeesIt() throws Exception {
    policies.apply("1", parsed(enforcing(ECHO_CALLERS)));

    assertEquals(Status.Code.OK, call(as("default/client"), "Echo", "from client").getCode());
    Status refused = call(as("default/other"), "Echo", "from other");
    assertEquals(Status.Code.PERMISSION_DENIED, refused.getCode());
    assertEquals("refused by default/echo-callers: default/other may not call /fulcrum.echo.v1.EchoService/Echo",
        refused.getDescription());
    assertEquals(Status.Code.OK, call(as("default/other"), "ServerStream", "other streams").getCode());

    assertEquals(List.of("Echo from client", "ServerStream other streams"), app.seen(), "the refused call never reached it");
    assertEquals(2.0, counted("allow", "default/echo-callers"));
    assertEquals(1.0, counted("deny", "default/echo-callers"));
    assertEquals(InboundStats.newBuilder().setIdentity("default/echo").setAllowed(2).setDenied(1)
            .addPolicies(PolicyStats.newBuilder().setPolicy("default/echo-callers").setAllowed(2).setDenied(1)).build(),
        authorizations.stats().orElseThrow());
  }

  @Test
  void aPlaintextCallerIsRefusedAsUnauthenticated() throws Exception {
    policies.apply("1", parsed(enforcing(ECHO_CALLERS)));
    Status refused = call(InsecureChannelCredentials.create(), "Echo", "from outside");
    assertEquals(Status.Code.PERMISSION_DENIED, refused.getCode());
    assertEquals("refused by default/echo-callers: an unauthenticated caller may not call /fulcrum.echo.v1.EchoService/Echo",
        refused.getDescription());
    assertEquals(List.of(), app.seen());
  }

  @Test
  void anAuditRefusalPassesAndIsCounted() throws Exception {
    policies.apply("1", parsed(enforcing(allowAll()).toBuilder()
        .setShadowRules(TestPolicies.allowing("default/echo-callers", ECHO, "default/client")).build()));

    assertEquals(Status.Code.OK, call(as("default/client"), "Echo", "from client").getCode());
    assertEquals(Status.Code.OK, call(as("default/other"), "Echo", "from other").getCode());
    assertEquals(Status.Code.OK, call(InsecureChannelCredentials.create(), "Echo", "from outside").getCode());

    assertEquals(List.of("Echo from client", "Echo from other", "Echo from outside"), app.seen());
    assertEquals(1.0, counted("allow", "default:allow"));
    assertEquals(2.0, counted("audit-deny", "default/echo-callers"));
    InboundStats stats = authorizations.stats().orElseThrow();
    assertEquals(1, stats.getAllowed());
    assertEquals(0, stats.getDenied());
    assertEquals(2, stats.getAuditDenied());
  }

  @Test
  void aConnectionWithNoCallIsLetInOnlyByAPolicyLettingUnauthenticatedCallersCallAnything() {
    InboundAuthorizer authorizer = new InboundAuthorizer(null, policies, authorizations);
    assertEquals(Decision.Authz.DENY, authorizer.unauthenticatedConnection().authz(), "no policy yet");
    policies.apply("1", parsed(enforcing(allowAll())));
    assertEquals(Decision.Authz.ALLOW, authorizer.unauthenticatedConnection().authz());
    policies.apply("2", parsed(enforcing(TestPolicies.allowAuthenticated())));
    assertEquals(Decision.Authz.DENY, authorizer.unauthenticatedConnection().authz());
    // Unauthenticated callers may call one service: not a connection, which calls none in particular.
    policies.apply("3", parsed(enforcing(rules(RBAC.Action.ALLOW, Map.of("default/public#0",
        policy(service(ECHO), TestPolicies.anyone()))))));
    Decision refused = authorizer.unauthenticatedConnection();
    assertEquals(new Decision(Decision.Authz.DENY, "default/public"), refused, "named by the Authorization that refused it");
  }

  @Test
  void aNewPolicyDecidesTheNextCall() throws Exception {
    policies.apply("1", parsed(enforcing(allowAll())));
    assertEquals(Status.Code.OK, call(as("default/other"), "Echo", "allowed").getCode());
    policies.apply("2", parsed(enforcing(ECHO_CALLERS)));
    assertEquals(Status.Code.PERMISSION_DENIED, call(as("default/other"), "Echo", "refused").getCode());
    assertEquals(List.of("Echo allowed"), app.seen());
  }

  @Test
  void withoutAPolicyNoCallReachesTheApplication() throws Exception {
    Status refused = call(as("default/client"), "Echo", "too early");
    assertEquals(Status.Code.UNAVAILABLE, refused.getCode());
    assertEquals("fulcrum proxy: no inbound policy from the control plane yet", refused.getDescription());
    assertEquals(List.of(), app.seen());
    assertThrows(java.util.NoSuchElementException.class, () -> policies.current().orElseThrow());
  }
}
