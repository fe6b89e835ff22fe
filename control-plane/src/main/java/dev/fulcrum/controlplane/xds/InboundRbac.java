package dev.fulcrum.controlplane.xds;

import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.authz.RbacPolicyKey;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.authz.MeshAuthorization;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC.Action;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;

/**
 * One server's policy as the RBAC HTTP filter of its inbound Listener (gRFC A41), which grpc's xDS
 * servers enforce and a sidecar reads: enforcing Authorizations become {@code rules} (ALLOW: a call
 * passes if any rule admits its caller and its method), audit-mode ones {@code shadow_rules}, and a
 * server no Authorization selects gets its default as one named policy. Each rule is a policy
 * keyed by {@link RbacPolicyKey}, so that a refusal can name the Authorization.
 */
final class InboundRbac {
  /** Any caller with a certificate: every mesh identity is a SPIFFE ID. */
  private static final Principal AUTHENTICATED = authenticated(StringMatcher.newBuilder().setPrefix("spiffe://").build());
  private static final Principal ANY_CALLER = Principal.newBuilder().setAny(true).build();
  private static final Permission ANY_METHOD = Permission.newBuilder().setAny(true).build();

  private InboundRbac() {}

  /**
   * The filter for a server that {@code selecting} select ({@code enforce} and audit mode alike),
   * else {@code fallback}; identities are in {@code trustDomain}.
   */
  static RBAC of(List<MeshAuthorization> selecting, DefaultInboundPolicy fallback, String trustDomain) {
    if (selecting.isEmpty()) {
      return RBAC.newBuilder().setRules(byDefault(fallback)).build();
    }
    RBAC.Builder filter = RBAC.newBuilder();
    List<MeshAuthorization> enforcing = inMode(selecting, MeshAuthorization.Mode.ENFORCE);
    List<MeshAuthorization> auditing = inMode(selecting, MeshAuthorization.Mode.AUDIT);
    if (!enforcing.isEmpty()) {
      filter.setRules(allowing(enforcing, trustDomain)); // with audit policies alone, nothing is refused
    }
    if (!auditing.isEmpty()) {
      filter.setShadowRules(allowing(auditing, trustDomain));
    }
    return filter.build();
  }

  private static List<MeshAuthorization> inMode(List<MeshAuthorization> policies, MeshAuthorization.Mode mode) {
    return policies.stream().filter(policy -> policy.mode() == mode).toList();
  }

  private static io.envoyproxy.envoy.config.rbac.v3.RBAC allowing(List<MeshAuthorization> policies, String trustDomain) {
    io.envoyproxy.envoy.config.rbac.v3.RBAC.Builder rules = io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
        .setAction(Action.ALLOW);
    for (MeshAuthorization policy : policies) {
      for (int i = 0; i < policy.rules().size(); i++) {
        rules.putPolicies(new RbacPolicyKey(policy.id(), i).toString(), policy(policy.rules().get(i), trustDomain));
      }
    }
    return rules.build();
  }

  /** Deny is a DENY of everything, so that the refusal has a policy to name (an empty ALLOW has none). */
  private static io.envoyproxy.envoy.config.rbac.v3.RBAC byDefault(DefaultInboundPolicy fallback) {
    Principal callers = fallback == DefaultInboundPolicy.AUTHENTICATED ? AUTHENTICATED : ANY_CALLER;
    return io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
        .setAction(fallback == DefaultInboundPolicy.DENY ? Action.DENY : Action.ALLOW)
        .putPolicies(new RbacPolicyKey(fallback.policyName(), 0).toString(), Policy.newBuilder()
            .addPermissions(ANY_METHOD)
            .addPrincipals(callers)
            .build())
        .build();
  }

  private static Policy policy(MeshAuthorization.Rule rule, String trustDomain) {
    Policy.Builder policy = Policy.newBuilder();
    rule.methods().forEach(method -> policy.addPermissions(permission(method)));
    rule.callers().identities().forEach(identity -> policy.addPrincipals(principal(identity, trustDomain)));
    if (rule.callers().unauthenticated()) {
      policy.addPrincipals(Principal.newBuilder().setNotId(AUTHENTICATED));
    }
    return policy.build();
  }

  /** {@code *}, {@code /pkg.Service/*} or {@code /pkg.Service/Method}, as the call's path is matched. */
  private static Permission permission(String method) {
    if ("*".equals(method)) {
      return ANY_METHOD;
    }
    StringMatcher path = method.endsWith("/*")
        ? StringMatcher.newBuilder().setPrefix(method.substring(0, method.length() - 1)).build()
        : StringMatcher.newBuilder().setExact(method).build();
    return Permission.newBuilder().setUrlPath(PathMatcher.newBuilder().setPath(path)).build();
  }

  /** {@code *}, {@code NAMESPACE/*} or {@code NAMESPACE/SERVICEACCOUNT}, matched against the caller's SPIFFE ID. */
  private static Principal principal(String identity, String trustDomain) {
    String domain = "spiffe://" + trustDomain + "/";
    if ("*".equals(identity)) {
      return authenticated(StringMatcher.newBuilder().setPrefix(domain).build());
    }
    if (identity.endsWith("/*")) {
      String namespace = identity.substring(0, identity.length() - 2);
      return authenticated(StringMatcher.newBuilder().setPrefix(domain + "ns/" + namespace + "/sa/").build());
    }
    return authenticated(StringMatcher.newBuilder().setExact(SpiffeId.ofWorkload(identity, trustDomain).toString()).build());
  }

  private static Principal authenticated(StringMatcher name) {
    return Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder().setPrincipalName(name)).build();
  }
}
