package dev.fulcrum.controlplane.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.authz.InboundListenerName;
import dev.fulcrum.controlplane.authz.MeshAuthorization;
import dev.fulcrum.controlplane.authz.MeshAuthorization.Callers;
import dev.fulcrum.controlplane.authz.MeshAuthorization.Mode;
import dev.fulcrum.controlplane.authz.MeshAuthorization.Rule;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC.Action;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which policy each inbound Listener name gets, as the RBAC filter grpc's xDS servers and sidecars enforce. */
class InboundPoliciesTest {
  private static final MeshAuthorization ECHO_CALLERS = new MeshAuthorization("default/echo-callers", "default/echo-v1",
      Optional.empty(), Mode.ENFORCE, List.of(
          new Rule(new Callers(List.of("default/client", "payments/*"), false), List.of("/fulcrum.echo.v1.EchoService/*")),
          new Rule(new Callers(List.of("*"), true), List.of("/grpc.health.v1.Health/Check", "*"))));

  private static InboundListenerName server(String identity, int port, Optional<DefaultInboundPolicy> own) {
    return new InboundListenerName("0.0.0.0:" + port, Optional.of(identity), own);
  }

  private static RBAC rbac(List<MeshAuthorization> policies, DefaultInboundPolicy fallback, InboundListenerName name) {
    return new InboundPolicies(policies, fallback, "cluster.local").rbacFor(name);
  }

  @Test
  void eachRuleIsAnAllowPolicyKeyedByItsAuthorizationAndIndex() {
    RBAC rbac = rbac(List.of(ECHO_CALLERS), DefaultInboundPolicy.DENY, server("default/echo-v1", 7001, Optional.empty()));

    assertFalse(rbac.hasShadowRules());
    assertEquals(Action.ALLOW, rbac.getRules().getAction());
    assertEquals(List.of("default/echo-callers#0", "default/echo-callers#1"),
        rbac.getRules().getPoliciesMap().keySet().stream().sorted().toList());
    Policy callers = rbac.getRules().getPoliciesOrThrow("default/echo-callers#0");
    assertEquals(List.of(exact("spiffe://cluster.local/ns/default/sa/client"), prefix("spiffe://cluster.local/ns/payments/sa/")),
        callers.getPrincipalsList().stream().map(p -> p.getAuthenticated().getPrincipalName()).toList());
    assertEquals(List.of(prefix("/fulcrum.echo.v1.EchoService/")),
        callers.getPermissionsList().stream().map(p -> p.getUrlPath().getPath()).toList());

    Policy anyone = rbac.getRules().getPoliciesOrThrow("default/echo-callers#1");
    assertEquals(prefix("spiffe://cluster.local/"), anyone.getPrincipals(0).getAuthenticated().getPrincipalName(), "*: any mesh identity");
    assertEquals(prefix("spiffe://"), anyone.getPrincipals(1).getNotId().getAuthenticated().getPrincipalName(),
        "unauthenticated: no certificate");
    assertEquals(exact("/grpc.health.v1.Health/Check"), anyone.getPermissions(0).getUrlPath().getPath());
    assertEquals(Permission.newBuilder().setAny(true).build(), anyone.getPermissions(1), "*: every method");
  }

  @Test
  void aServerNoAuthorizationSelectsGetsItsOwnDefaultElseTheControlPlanes() {
    RBAC deny = rbac(List.of(ECHO_CALLERS), DefaultInboundPolicy.DENY, server("default/echo-v2", 7002, Optional.empty()));
    assertEquals(Action.DENY, deny.getRules().getAction(), "a DENY of everything, so that the refusal names the default");
    assertEquals(List.of("default:deny#0"), List.copyOf(deny.getRules().getPoliciesMap().keySet()));
    assertEquals(Principal.newBuilder().setAny(true).build(), deny.getRules().getPoliciesOrThrow("default:deny#0").getPrincipals(0));

    RBAC own = rbac(List.of(), DefaultInboundPolicy.DENY, server("default/echo-v2", 7002, Optional.of(DefaultInboundPolicy.AUTHENTICATED)));
    assertEquals(Action.ALLOW, own.getRules().getAction());
    Policy authenticated = own.getRules().getPoliciesOrThrow("default:authenticated#0");
    assertEquals(prefix("spiffe://"), authenticated.getPrincipals(0).getAuthenticated().getPrincipalName());

    RBAC allow = rbac(List.of(), DefaultInboundPolicy.ALLOW, new InboundListenerName("0.0.0.0:7002", Optional.empty(), Optional.empty()));
    assertEquals(Principal.newBuilder().setAny(true).build(), allow.getRules().getPoliciesOrThrow("default:allow#0").getPrincipals(0),
        "a server without identity can only have a default");
  }

  @Test
  void aPolicyWithAPortSelectsOnlyThatPort() {
    MeshAuthorization onPort = new MeshAuthorization("default/on-port", "default/echo-v1", Optional.of(7001), Mode.ENFORCE,
        ECHO_CALLERS.rules());
    assertTrue(rbac(List.of(onPort), DefaultInboundPolicy.ALLOW, server("default/echo-v1", 7001, Optional.empty()))
        .getRules().containsPolicies("default/on-port#0"));
    assertTrue(rbac(List.of(onPort), DefaultInboundPolicy.ALLOW, server("default/echo-v1", 9000, Optional.empty()))
        .getRules().containsPolicies("default:allow#0"));
  }

  @Test
  void auditPoliciesAreShadowRulesAndAloneRefuseNothing() {
    MeshAuthorization audit = new MeshAuthorization("default/audit", "default/echo-v1", Optional.empty(), Mode.AUDIT,
        ECHO_CALLERS.rules());
    RBAC alone = rbac(List.of(audit), DefaultInboundPolicy.DENY, server("default/echo-v1", 7001, Optional.empty()));
    assertFalse(alone.hasRules(), "no rules: grpc's RBAC filter and the sidecar let every call through");
    assertEquals(Action.ALLOW, alone.getShadowRules().getAction());
    assertTrue(alone.getShadowRules().containsPolicies("default/audit#1"));

    RBAC both = rbac(List.of(audit, ECHO_CALLERS), DefaultInboundPolicy.DENY, server("default/echo-v1", 7001, Optional.empty()));
    assertEquals(List.of("default/echo-callers#0", "default/echo-callers#1"),
        both.getRules().getPoliciesMap().keySet().stream().sorted().toList());
    assertEquals(List.of("default/audit#0", "default/audit#1"),
        both.getShadowRules().getPoliciesMap().keySet().stream().sorted().toList());
  }

  @Test
  void theListenerForAnInboundNameCarriesTheFilterBeforeTheRouter() throws Exception {
    InboundPolicies policies = new InboundPolicies(List.of(ECHO_CALLERS), DefaultInboundPolicy.ALLOW, "cluster.local");
    String name = server("default/echo-v1", 7001, Optional.empty()).toString();

    var listener = InboundListeners.forName(name, policies).orElseThrow();

    assertEquals(name, listener.getName());
    assertEquals(7001, listener.getAddress().getSocketAddress().getPortValue());
    HttpConnectionManager http = listener.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    assertEquals(List.of(InboundListenerName.RBAC_FILTER, "envoy.filters.http.router"),
        http.getHttpFiltersList().stream().map(f -> f.getName()).toList());
    assertEquals(policies.rbacFor(InboundListenerName.parse(name).orElseThrow()),
        http.getHttpFilters(0).getTypedConfig().unpack(RBAC.class));
    assertTrue(InboundListeners.forName("grpc-service:50051", policies).isEmpty());
  }

  private static StringMatcher exact(String value) {
    return StringMatcher.newBuilder().setExact(value).build();
  }

  private static StringMatcher prefix(String value) {
    return StringMatcher.newBuilder().setPrefix(value).build();
  }
}
