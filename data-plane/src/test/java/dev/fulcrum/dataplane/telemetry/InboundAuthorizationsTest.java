package dev.fulcrum.dataplane.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.stats.InboundStats;
import dev.fulcrum.contract.stats.PolicyStats;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.authz.Decision;
import dev.fulcrum.dataplane.authz.Decision.Authz;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InboundAuthorizationsTest {
  private static final ProxyConfig INBOUND = ProxyConfig.local(0, "cp:1", Optional.empty(), "n")
      .withIdentity(new ProxyConfig.Identity("default/echo", Optional.empty(), Optional.empty()))
      .withInbound(new ProxyConfig.Inbound(new InetSocketAddress("127.0.0.1", 0), 1, InboundTls.STRICT), false);

  private static InboundAuthorizations counting(ProxyConfig config, ProxyTelemetry telemetry) {
    return new InboundAuthorizations(config, telemetry);
  }

  private static ProxyTelemetry telemetry(ProxyConfig config) {
    return new ProxyTelemetry(new Tracing(config), config);
  }

  @Test
  void decisionsAreCountedByKindAndPolicyEachReturningItsKindsCount() {
    ProxyTelemetry telemetry = telemetry(INBOUND);
    InboundAuthorizations authorizations = counting(INBOUND, telemetry);
    assertEquals(1, authorizations.record(new Decision(Authz.AUDIT_DENY, "default/audited")));
    assertEquals(2, authorizations.record(new Decision(Authz.AUDIT_DENY, "default/audited")));
    assertEquals(1, authorizations.record(new Decision(Authz.DENY, "default/audited")));
    assertEquals(1, authorizations.record(new Decision(Authz.ALLOW, "default:allow")));

    assertEquals(InboundStats.newBuilder().setIdentity("default/echo").setAllowed(1).setDenied(1).setAuditDenied(2)
        .addPolicies(PolicyStats.newBuilder().setPolicy("default/audited").setDenied(1).setAuditDenied(2))
        .addPolicies(PolicyStats.newBuilder().setPolicy("default:allow").setAllowed(1))
        .build(), authorizations.stats().orElseThrow());
    String scrape = telemetry.registry().scrape();
    assertTrue(scrape.contains("fulcrum_inbound_authorizations_total{authz=\"audit-deny\",policy=\"default/audited\"} 2.0"), scrape);
    assertTrue(scrape.contains("fulcrum_inbound_authorizations_total{authz=\"allow\",policy=\"default:allow\"} 1.0"), scrape);
  }

  @Test
  void policyNamesBeyondTheCapAreCountedAsOther() {
    ProxyTelemetry telemetry = telemetry(INBOUND);
    InboundAuthorizations authorizations = counting(INBOUND, telemetry);
    for (int i = 0; i < InboundAuthorizations.MAX_POLICIES + 50; i++) {
      authorizations.record(new Decision(Authz.DENY, "default/policy-" + i));
    }
    InboundStats stats = authorizations.stats().orElseThrow();
    assertEquals(InboundAuthorizations.MAX_POLICIES + 1, stats.getPoliciesCount());
    assertEquals(InboundAuthorizations.MAX_POLICIES + 50, stats.getDenied());
    assertEquals(50, stats.getPoliciesList().stream().filter(p -> p.getPolicy().equals(CappedLabels.OTHER))
        .findFirst().orElseThrow().getDenied());
    assertEquals(InboundAuthorizations.MAX_POLICIES + 1, telemetry.registry().find("fulcrum.inbound.authorizations").meters().size());
  }

  @Test
  void aProxyWithoutAnInboundSideReportsNone() {
    ProxyConfig outboundOnly = ProxyConfig.local(0, "cp:1", Optional.empty(), "n");
    assertEquals(Optional.empty(), counting(outboundOnly, telemetry(outboundOnly)).stats());
  }
}
