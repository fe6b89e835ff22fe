package dev.fulcrum.dataplane.authz;

import static dev.fulcrum.dataplane.authz.TestPolicies.allowing;
import static dev.fulcrum.dataplane.authz.TestPolicies.denyAll;
import static dev.fulcrum.dataplane.authz.TestPolicies.enforcing;
import static dev.fulcrum.dataplane.authz.TestPolicies.listener;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.NodeMetadata;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.xds.ControlPlaneChannel;
import dev.fulcrum.dataplane.xds.ListenerSubscription;
import dev.fulcrum.dataplane.xds.XdsBootstrap;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sidecar's own ADS stream for its inbound policy, against an ADS server on a real socket. */
class PolicySubscriptionTest {
  private static final String NAME = "fulcrum/inbound/0.0.0.0:50051?identity=default/echo&default=deny";
  private static final String ECHO = "fulcrum.echo.v1.EchoService";
  private static final InboundCall CLIENT = InboundCall.of(
      Optional.of(SpiffeId.parse("spiffe://cluster.local/ns/default/sa/client")), ECHO + "/Echo");
  private static final Listener CLIENT_ALLOWED = listener(NAME, enforcing(allowing("default/echo-callers", ECHO, "default/client")));
  private static final Listener NOBODY_ALLOWED = listener(NAME, enforcing(denyAll()));
  private static final Listener WITHOUT_POLICY = listener(NAME, List.of(HttpFilter.newBuilder()
      .setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())).build()));

  private final PolicyInForce policies = new PolicyInForce();
  private TestAdsServer ads;
  private ControlPlaneChannel channel;
  private PolicySubscription subscription;

  @BeforeEach
  void subscribe() throws Exception {
    ads = TestAdsServer.start();
    ProxyConfig config = ProxyConfig.local(0, ads.address(), Optional.empty(), "node-1")
        .withIdentity(new ProxyConfig.Identity("default/echo", Optional.empty(), Optional.empty()))
        .withInbound(new ProxyConfig.Inbound(new InetSocketAddress("127.0.0.1", 0), 50051, InboundTls.STRICT,
            Optional.of(DefaultInboundPolicy.DENY)), false);
    channel = new ControlPlaneChannel(config);
    subscription = new PolicySubscription(config, channel, new XdsBootstrap(config, Optional.empty()), policies,
        new ListenerSubscription.Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
    subscription.start(9990);
  }

  @AfterEach
  void close() throws Exception {
    subscription.close();
    channel.close();
    ads.close();
  }

  private static void assertAck(DiscoveryRequest request, String version, String nonce) {
    assertEquals(version, request.getVersionInfo(), request.toString());
    assertEquals(nonce, request.getResponseNonce(), request.toString());
    assertFalse(request.hasErrorDetail(), request.toString());
  }

  /** Gets the first policy in force: CLIENT_ALLOWED as version 1. */
  private void applyFirst() throws Exception {
    ads.nextRequest();
    ads.respond("1", "nonce-1", CLIENT_ALLOWED);
    assertAck(ads.nextRequest(), "1", "nonce-1");
  }

  @Test
  void itAsksForItsOwnListenerAsTheBootstrapsNodeAndAcksThePolicyItApplies() throws Exception {
    DiscoveryRequest first = ads.nextRequest();
    assertEquals(InboundListener.TYPE_URL, first.getTypeUrl());
    assertEquals(List.of(NAME), first.getResourceNamesList());
    assertEquals("node-1", first.getNode().getId());
    assertEquals(Optional.of("127.0.0.1:9990"), NodeMetadata.of(first.getNode().getMetadata()).admin());
    assertAck(first, "", "");
    assertFalse(policies.received());

    ads.respond("1", "nonce-1", CLIENT_ALLOWED);
    assertAck(ads.nextRequest(), "1", "nonce-1");
    assertTrue(policies.received());
    assertEquals("1", policies.version());
    assertEquals(Decision.Authz.ALLOW, policies.current().orElseThrow().decide(CLIENT).authz());
  }

  @Test
  void aBadListenerIsNackedWithTheReasonAndTheLastGoodPolicyStays() throws Exception {
    applyFirst();
    ads.respond("2", "nonce-2", WITHOUT_POLICY);
    DiscoveryRequest nack = ads.nextRequest();
    assertEquals("1", nack.getVersionInfo(), "a NACK names the version still in force");
    assertEquals("nonce-2", nack.getResponseNonce());
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), nack.getErrorDetail().getCode());
    assertTrue(nack.getErrorDetail().getMessage().contains("no envoy.filters.http.rbac filter"), nack.toString());
    assertEquals("1", policies.version());
    assertEquals(Decision.Authz.ALLOW, policies.current().orElseThrow().decide(CLIENT).authz());

    ads.respond("3", "nonce-3", NOBODY_ALLOWED);
    assertAck(ads.nextRequest(), "3", "nonce-3");
    assertEquals(Decision.Authz.DENY, policies.current().orElseThrow().decide(CLIENT).authz());
  }

  @Test
  void aBadFirstListenerLeavesThePolicyAbsentNotOpen() throws Exception {
    ads.nextRequest();
    ads.respond("1", "nonce-1");
    DiscoveryRequest nack = ads.nextRequest();
    assertEquals("", nack.getVersionInfo());
    assertEquals("resources: no Listener " + NAME + " (without it, no call is let in)", nack.getErrorDetail().getMessage());
    assertFalse(policies.received());
    assertEquals(Optional.empty(), policies.current());
  }

  @Test
  void aFailedStreamAndARestartedControlPlaneAreReconnectedToKeepingThePolicyMeanwhile() throws Exception {
    applyFirst();

    ads.failStream();
    DiscoveryRequest resumed = ads.nextRequest();
    assertAck(resumed, "1", "");
    assertEquals(List.of(NAME), resumed.getResourceNamesList());
    assertEquals("node-1", resumed.getNode().getId(), "a new stream introduces the node again");
    assertEquals("1", policies.version());

    ads.stop();
    // Meanwhile something on the port that hangs up on every connection: the proxy keeps trying.
    try (ServerSocket hangsUp = new ServerSocket()) {
      hangsUp.setReuseAddress(true);
      hangsUp.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(ads.address().split(":")[1])));
      hangsUp.setSoTimeout(10_000);
      for (int attempt = 0; attempt < 3; attempt++) {
        hangsUp.accept().close();
        assertEquals("1", policies.version(), "the control plane is gone: its last policy stays in force");
      }
    }
    assertEquals(Decision.Authz.ALLOW, policies.current().orElseThrow().decide(CLIENT).authz());
    ads.restart();
    assertAck(ads.nextRequest(), "1", "");
    assertEquals(Decision.Authz.ALLOW, policies.current().orElseThrow().decide(CLIENT).authz());

    ads.respond("2", "nonce-2", NOBODY_ALLOWED);
    assertAck(ads.nextRequest(), "2", "nonce-2");
    assertEquals(Decision.Authz.DENY, policies.current().orElseThrow().decide(CLIENT).authz());
  }
}
