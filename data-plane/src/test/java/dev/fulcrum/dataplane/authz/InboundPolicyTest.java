package dev.fulcrum.dataplane.authz;

import static dev.fulcrum.dataplane.authz.TestPolicies.allowAll;
import static dev.fulcrum.dataplane.authz.TestPolicies.allowAuthenticated;
import static dev.fulcrum.dataplane.authz.TestPolicies.allowing;
import static dev.fulcrum.dataplane.authz.TestPolicies.anyone;
import static dev.fulcrum.dataplane.authz.TestPolicies.anything;
import static dev.fulcrum.dataplane.authz.TestPolicies.denyAll;
import static dev.fulcrum.dataplane.authz.TestPolicies.enforcing;
import static dev.fulcrum.dataplane.authz.TestPolicies.exactly;
import static dev.fulcrum.dataplane.authz.TestPolicies.method;
import static dev.fulcrum.dataplane.authz.TestPolicies.parsed;
import static dev.fulcrum.dataplane.authz.TestPolicies.policy;
import static dev.fulcrum.dataplane.authz.TestPolicies.prefixed;
import static dev.fulcrum.dataplane.authz.TestPolicies.rules;
import static dev.fulcrum.dataplane.authz.TestPolicies.service;
import static dev.fulcrum.dataplane.authz.TestPolicies.unauthenticated;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.dataplane.authz.Decision.Authz;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every decision rule of the contract, on RBAC as the control plane writes it. */
class InboundPolicyTest {
  private static final String ECHO = "fulcrum.echo.v1.EchoService";
  private static final String ADMIN = "fulcrum.admin.v1.AdminService";

  private static InboundCall call(String caller, String fullMethod) {
    return InboundCall.of(Optional.of(SpiffeId.parse(TestPolicies.spiffe(caller))), fullMethod);
  }

  private static InboundCall plaintext(String fullMethod) {
    return InboundCall.of(Optional.empty(), fullMethod);
  }

  private static Decision allow(String policy) {
    return new Decision(Authz.ALLOW, policy);
  }

  private static Decision deny(String policy) {
    return new Decision(Authz.DENY, policy);
  }

  @Test
  void allowRulesAllowTheCallersTheyNameOnTheirMethodsAndRefuseTheRestNamingThePolicy() {
    InboundPolicy policy = parsed(enforcing(allowing("default/echo-callers", ECHO, "default/client")));
    assertEquals(allow("default/echo-callers"), policy.decide(call("default/client", ECHO + "/Echo")));
    assertEquals(deny("default/echo-callers"), policy.decide(call("default/other", ECHO + "/Echo")));
    assertEquals(deny("default/echo-callers"), policy.decide(call("default/client", ADMIN + "/Reset")),
        "another service's method");
    assertEquals(deny("default/echo-callers"), policy.decide(plaintext(ECHO + "/Echo")), "no identity, no match");
  }

  @Test
  void theFirstMatchingKeyInSortedOrderNamesAnAllowAndARefusalNamesEveryDistinctPolicy() {
    Map<String, io.envoyproxy.envoy.config.rbac.v3.Policy> policies = new LinkedHashMap<>();
    policies.put("default/zeta#0", policy(service(ECHO), exactly("default/client")));
    policies.put("default/alpha#1", policy(method(ECHO + "/Echo"), exactly("default/client")));
    policies.put("default/alpha#0", policy(method(ECHO + "/Other"), exactly("default/client")));
    InboundPolicy policy = parsed(enforcing(rules(RBAC.Action.ALLOW, policies)));
    assertEquals(allow("default/alpha"), policy.decide(call("default/client", ECHO + "/Echo")), "alpha#1 sorts before zeta#0");
    assertEquals(allow("default/zeta"), policy.decide(call("default/client", ECHO + "/Third")));
    assertEquals(deny("default/alpha, default/zeta"), policy.decide(call("default/other", ECHO + "/Echo")));
  }

  @Test
  void denyRulesRefuseWhatTheyMatchAndLetTheRestThrough() {
    InboundPolicy policy = parsed(enforcing(rules(RBAC.Action.DENY, Map.of(
        "default/no-admin#0", policy(service(ADMIN), anyone())))));
    assertEquals(deny("default/no-admin"), policy.decide(call("default/client", ADMIN + "/Reset")));
    assertEquals(allow("default/no-admin"), policy.decide(call("default/client", ECHO + "/Echo")));
  }

  @Test
  void theDefaultsAllowEveryoneOnlyTheMeshOrNobody() {
    InboundPolicy allow = parsed(enforcing(allowAll()));
    assertEquals(allow("default:allow"), allow.decide(call("default/client", ECHO + "/Echo")));
    assertEquals(allow("default:allow"), allow.decide(plaintext(ECHO + "/Echo")));

    InboundPolicy authenticated = parsed(enforcing(allowAuthenticated()));
    assertEquals(allow("default:authenticated"), authenticated.decide(call("payments/any", ECHO + "/Echo")));
    assertEquals(deny("default:authenticated"), authenticated.decide(plaintext(ECHO + "/Echo")));

    InboundPolicy deny = parsed(enforcing(denyAll()));
    assertEquals(deny("default:deny"), deny.decide(call("default/client", ECHO + "/Echo")));
    assertEquals(deny("default:deny"), deny.decide(plaintext(ECHO + "/Echo")));
  }

  @Test
  void aNamespacePrefixAdmitsItsServiceAccountsOnly() {
    InboundPolicy policy = parsed(enforcing(rules(RBAC.Action.ALLOW, Map.of(
        "default/from-payments#0", policy(anything(), prefixed("spiffe://cluster.local/ns/payments/sa/"))))));
    assertEquals(allow("default/from-payments"), policy.decide(call("payments/billing", ECHO + "/Echo")));
    assertEquals(allow("default/from-payments"), policy.decide(call("payments/ledger", ECHO + "/Echo")));
    assertEquals(deny("default/from-payments"), policy.decide(call("payments-eu/billing", ECHO + "/Echo")));
    assertEquals(deny("default/from-payments"), policy.decide(call("default/client", ECHO + "/Echo")));
  }

  @Test
  void unauthenticatedCallersAreThoseWithoutAMeshIdentity() {
    InboundPolicy policy = parsed(enforcing(rules(RBAC.Action.ALLOW, Map.of(
        "default/outside#0", policy(service(ECHO), unauthenticated())))));
    assertEquals(allow("default/outside"), policy.decide(plaintext(ECHO + "/Echo")));
    assertEquals(deny("default/outside"), policy.decide(call("default/client", ECHO + "/Echo")));
  }

  @Test
  void shadowRulesAuditWhatTheEnforcedRulesLetThrough() {
    io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC rbac = enforcing(allowAll()).toBuilder()
        .setShadowRules(allowing("default/audited", ECHO, "default/client"))
        .build();
    InboundPolicy policy = parsed(rbac);
    assertEquals(allow("default:allow"), policy.decide(call("default/client", ECHO + "/Echo")),
        "the audit policy allows it too: named by the enforcing match");
    assertEquals(new Decision(Authz.AUDIT_DENY, "default/audited"), policy.decide(call("default/other", ECHO + "/Echo")));
    assertEquals(new Decision(Authz.AUDIT_DENY, "default/audited"), policy.decide(plaintext(ECHO + "/Echo")));

    InboundPolicy enforcedFirst = parsed(enforcing(denyAll()).toBuilder()
        .setShadowRules(allowing("default/audited", ECHO, "default/client")).build());
    assertEquals(deny("default:deny"), enforcedFirst.decide(call("default/other", ECHO + "/Echo")),
        "a refusal is a refusal, audited or not");
  }

  @Test
  void withoutRulesEveryCallPassesAndShadowRulesAloneOnlyAudit() {
    InboundPolicy none = parsed(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.getDefaultInstance());
    assertEquals(allow(Decision.NO_POLICY), none.decide(plaintext(ECHO + "/Echo")));

    InboundPolicy shadowOnly = parsed(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder()
        .setShadowRules(allowing("default/audited", ECHO, "default/client")).build());
    assertEquals(allow("default/audited"), shadowOnly.decide(call("default/client", ECHO + "/Echo")));
    assertEquals(new Decision(Authz.AUDIT_DENY, "default/audited"), shadowOnly.decide(call("default/other", ECHO + "/Echo")));
  }

  @Test
  void setsCombinePrincipalsAndPermissions() {
    Principal clientNotOther = Principal.newBuilder().setAndIds(Principal.Set.newBuilder()
        .addIds(prefixed("spiffe://cluster.local/ns/default/sa/"))
        .addIds(Principal.newBuilder().setNotId(exactly("default/other")))).build();
    Principal eitherNamespace = Principal.newBuilder().setOrIds(Principal.Set.newBuilder()
        .addIds(prefixed("spiffe://cluster.local/ns/a/sa/"))
        .addIds(prefixed("spiffe://cluster.local/ns/b/sa/"))).build();
    Permission echoButNotReset = Permission.newBuilder().setAndRules(Permission.Set.newBuilder()
        .addRules(Permission.newBuilder().setOrRules(Permission.Set.newBuilder()
            .addRules(service(ECHO)).addRules(service(ADMIN))))
        .addRules(Permission.newBuilder().setNotRule(method(ADMIN + "/Reset")))).build();
    InboundPolicy policy = parsed(enforcing(rules(RBAC.Action.ALLOW, Map.of(
        "default/sets#0", policy(List.of(echoButNotReset), List.of(clientNotOther, eitherNamespace))))));
    assertEquals(allow("default/sets"), policy.decide(call("default/client", ECHO + "/Echo")));
    assertEquals(allow("default/sets"), policy.decide(call("b/x", ADMIN + "/Status")));
    assertEquals(deny("default/sets"), policy.decide(call("b/x", ADMIN + "/Reset")));
    assertEquals(deny("default/sets"), policy.decide(call("default/other", ECHO + "/Echo")));
    assertEquals(deny("default/sets"), policy.decide(call("c/x", ECHO + "/Echo")));
  }

  @Test
  void stringsMatchBySuffixContentAndIgnoringCaseToo() {
    InboundPolicy policy = parsed(enforcing(rules(RBAC.Action.ALLOW, Map.of(
        "default/strings#0", policy(List.of(TestPolicies.path(StringMatcher.newBuilder().setSuffix("/echo").setIgnoreCase(true).build())),
            List.of(TestPolicies.authenticated(StringMatcher.newBuilder().setContains("/sa/client").build())))))));
    assertEquals(allow("default/strings"), policy.decide(call("default/client", ECHO + "/Echo")));
    assertEquals(deny("default/strings"), policy.decide(call("default/client", ECHO + "/Echoes")));
    assertEquals(deny("default/strings"), policy.decide(call("default/server", ECHO + "/Echo")));
  }
}
