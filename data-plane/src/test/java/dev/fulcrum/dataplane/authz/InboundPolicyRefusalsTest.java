package dev.fulcrum.dataplane.authz;

import static dev.fulcrum.dataplane.authz.TestPolicies.anyone;
import static dev.fulcrum.dataplane.authz.TestPolicies.anything;
import static dev.fulcrum.dataplane.authz.TestPolicies.enforcing;
import static dev.fulcrum.dataplane.authz.TestPolicies.policy;
import static dev.fulcrum.dataplane.authz.TestPolicies.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.expr.v1alpha1.Expr;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the sidecar cannot enforce is refused, naming the field: never skipped, never taken as allow. */
class InboundPolicyRefusalsTest {

  private static String refusal(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC rbac) {
    return assertThrows(InvalidPolicyException.class, () -> InboundPolicy.of(rbac, "RBAC")).getMessage();
  }

  private static String refusal(Policy policy) {
    return refusal(enforcing(rules(RBAC.Action.ALLOW, Map.of("default/p#0", policy))));
  }

  @Test
  void principalsPermissionsAndMatchersOutsideTheSupportedSetAreNamed() {
    Principal header = Principal.newBuilder().setHeader(HeaderMatcher.newBuilder().setName("x-user").setExactMatch("me")).build();
    assertEquals("RBAC.rules.policies[default/p#0].principals[0].header: not supported by the sidecar's RBAC"
        + " (supported: any, authenticated, url_path, and/or/not)", refusal(policy(anything(), header)));

    Principal nested = Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addIds(anyone())
        .addIds(Principal.newBuilder().setRemoteIp(CidrRange.newBuilder().setAddressPrefix("10.0.0.0")))).build();
    assertTrue(refusal(policy(anything(), nested)).startsWith("RBAC.rules.policies[default/p#0].principals[0].or_ids.ids[1].remote_ip: "));

    Principal regex = TestPolicies.authenticated(StringMatcher.newBuilder()
        .setSafeRegex(RegexMatcher.newBuilder().setRegex("spiffe://.*")).build());
    assertTrue(refusal(policy(anything(), regex))
        .startsWith("RBAC.rules.policies[default/p#0].principals[0].authenticated.principal_name.safe_regex: "));

    Permission port = Permission.newBuilder().setDestinationPort(50051).build();
    assertTrue(refusal(policy(port, anyone())).startsWith("RBAC.rules.policies[default/p#0].permissions[0].destination_port: "));

    Permission notHeader = Permission.newBuilder().setNotRule(Permission.newBuilder()
        .setHeader(HeaderMatcher.newBuilder().setName(":authority"))).build();
    assertTrue(refusal(policy(notHeader, anyone())).startsWith("RBAC.rules.policies[default/p#0].permissions[0].not_rule.header: "));
  }

  @Test
  void conditionsEmptyListsAndUnsetOrFalseEntriesAreRefused() {
    assertEquals("RBAC.rules.policies[default/p#0].condition: not supported by the sidecar's RBAC",
        refusal(policy(anything(), anyone()).toBuilder().setCondition(Expr.getDefaultInstance()).build()));
    assertEquals("RBAC.rules.policies[default/p#0].permissions: empty (at least one is needed)",
        refusal(policy(List.of(), List.of(anyone()))));
    assertEquals("RBAC.rules.policies[default/p#0].principals: empty (at least one is needed)",
        refusal(policy(List.of(anything()), List.of())));
    assertEquals("RBAC.rules.policies[default/p#0].principals[0]: no principal set",
        refusal(policy(anything(), Principal.getDefaultInstance())));
    assertEquals("RBAC.rules.policies[default/p#0].permissions[0].any: false (only any: true is valid)",
        refusal(policy(Permission.newBuilder().setAny(false).build(), anyone())));
    assertEquals("RBAC.rules.policies[default/p#0].permissions[0].and_rules.rules: empty (at least one is needed)",
        refusal(policy(Permission.newBuilder().setAndRules(Permission.Set.getDefaultInstance()).build(), anyone())));
  }

  @Test
  void onlyAllowAndDenyAreEnforcedAndKeysMustNameTheirPolicy() {
    assertEquals("RBAC.rules.action: LOG is not enforced (ALLOW or DENY are)",
        refusal(enforcing(rules(RBAC.Action.LOG, Map.of("default/p#0", policy(anything(), anyone()))))));
    assertEquals("RBAC.shadow_rules.policies[no-rule-index]: the key is not POLICY#RULE, so the policy has no name to be"
        + " counted by", refusal(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder()
        .setShadowRules(rules(RBAC.Action.ALLOW, Map.of("no-rule-index", policy(anything(), anyone())))).build()));
  }

  @Test
  void theMatcherFormsAreRefusedRatherThanIgnored() {
    assertEquals("RBAC.matcher: not supported by the sidecar's RBAC (rules are)",
        refusal(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder()
            .setMatcher(com.github.xds.type.matcher.v3.Matcher.getDefaultInstance()).build()));
  }
}
