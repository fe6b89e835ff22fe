package dev.fulcrum.dataplane.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.authz.PolicyInForce;
import dev.fulcrum.dataplane.authz.InboundPolicy;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.grpc.xds.shaded.io.envoyproxy.envoy.admin.v3.ClientResourceStatus;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.listener.v3.Listener;
import io.grpc.xds.shaded.io.envoyproxy.envoy.service.status.v3.ClientConfig;
import io.grpc.xds.shaded.io.envoyproxy.envoy.service.status.v3.ClientStatusResponse;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  private static final ClientStatusResponse NOTHING = ClientStatusResponse.getDefaultInstance();
  private static final ClientStatusResponse PROBE_ANSWERED = ClientStatusResponse.newBuilder()
      .addConfig(ClientConfig.newBuilder().addGenericXdsConfigs(ClientConfig.GenericXdsConfig.newBuilder()
          .setTypeUrl("type.googleapis.com/envoy.config.listener.v3.Listener")
          .setName(Readiness.PROBE_SERVICE)
          .setClientStatus(ClientResourceStatus.ACKED)
          .setXdsConfig(Any.pack(Listener.newBuilder().setName(Readiness.PROBE_SERVICE).build()))))
      .build();

  private final Readiness readiness = new Readiness(ProxyConfig.local(0, "cp:18000", Optional.empty(), "n"), new PolicyInForce());

  @Test
  void readyOnlyWhileListeningAndOnceTheControlPlaneAnswered() {
    assertFalse(readiness.ready(() -> PROBE_ANSWERED), "not listening yet");
    readiness.listening(true);
    assertFalse(readiness.ready(() -> NOTHING), "no answer yet");
    assertTrue(readiness.ready(() -> PROBE_ANSWERED));
    readiness.listening(false);
    assertFalse(readiness.ready(() -> PROBE_ANSWERED), "closing");
  }

  @Test
  void onceConfiguredItStaysReadyAndAsksNoMore() {
    AtomicInteger asked = new AtomicInteger();
    readiness.listening(true);
    assertTrue(readiness.ready(() -> {
      asked.incrementAndGet();
      return PROBE_ANSWERED;
    }));
    assertTrue(readiness.ready(() -> {
      asked.incrementAndGet();
      return NOTHING; // the control plane gone: grpc-xds keeps what it applied
    }));
    assertEquals(1, asked.get());
  }

  @Test
  void anInboundSideIsReadyOnlyOnceItsPolicyIsReceived() throws Exception {
    ProxyConfig inboundOnly = ProxyConfig.local(0, "cp:18000", Optional.empty(), "n")
        .withIdentity(new ProxyConfig.Identity("default/echo", Optional.empty(), Optional.empty()))
        .withInbound(new ProxyConfig.Inbound(new InetSocketAddress("127.0.0.1", 0), 1, InboundTls.STRICT), false);
    PolicyInForce policies = new PolicyInForce();
    Readiness withInbound = new Readiness(inboundOnly, policies);
    withInbound.listening(true);
    assertFalse(withInbound.ready(() -> NOTHING), "no inbound policy received");
    policies.apply("1", InboundPolicy.of(RBAC.getDefaultInstance(), "RBAC"));
    assertTrue(withInbound.ready(() -> NOTHING), "an inbound side alone needs no more than its policy");
  }

  @Test
  void withAServiceItWaitsForThatServiceNotTheProbe() {
    Readiness withService = new Readiness(ProxyConfig.local(0, "cp:18000", Optional.of("svc.test:1"), "n"),
        new PolicyInForce());
    assertEquals("svc.test:1", withService.awaitedService());
    withService.listening(true);
    assertFalse(withService.ready(() -> PROBE_ANSWERED));
  }
}
