package dev.fulcrum.dataplane.authz;

import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import java.util.Optional;

/**
 * The inbound side's authorization policy, read from the RBAC HTTP filter of its Listener (gRFC
 * A41): {@code rules} are enforced (none: every call passes them), and {@code shadow_rules} hold
 * audit-mode policies, evaluated for the calls that passed, to count and log what they would
 * refuse without refusing it. Immutable: a new policy from the control plane is a new instance.
 */
public final class InboundPolicy {
  private final Optional<RbacRules> rules;
  private final Optional<RbacRules> shadowRules;

  private InboundPolicy(Optional<RbacRules> rules, Optional<RbacRules> shadowRules) {
    this.rules = rules;
    this.shadowRules = shadowRules;
  }

  /** Reads the filter's configuration; {@code field} is where it was found, for errors. */
  public static InboundPolicy of(RBAC rbac, String field) throws InvalidPolicyException {
    // The matcher forms would replace the rules: ignoring one would enforce something else than was sent.
    if (rbac.hasMatcher()) {
      throw new InvalidPolicyException(field + ".matcher", "not supported by the sidecar's RBAC (rules are)");
    }
    if (rbac.hasShadowMatcher()) {
      throw new InvalidPolicyException(field + ".shadow_matcher", "not supported by the sidecar's RBAC (shadow_rules are)");
    }
    Optional<RbacRules> rules = rbac.hasRules()
        ? Optional.of(RbacRules.parse(rbac.getRules(), field + ".rules")) : Optional.empty();
    Optional<RbacRules> shadow = rbac.hasShadowRules()
        ? Optional.of(RbacRules.parse(rbac.getShadowRules(), field + ".shadow_rules")) : Optional.empty();
    return new InboundPolicy(rules, shadow);
  }

  /**
   * The decision for {@code call}: refused if the rules refuse it; else, if the shadow rules would
   * refuse it, let through as an audit refusal named by them; else allowed, named by the rules'
   * verdict (or the shadow rules' when there are no rules).
   */
  public Decision decide(InboundCall call) {
    Optional<RbacRules.Verdict> enforced = rules.map(r -> r.evaluate(call));
    if (enforced.isPresent() && !enforced.get().passes()) {
      return new Decision(Decision.Authz.DENY, enforced.get().policy());
    }
    Optional<RbacRules.Verdict> audited = shadowRules.map(r -> r.evaluate(call));
    if (audited.isPresent() && !audited.get().passes()) {
      return new Decision(Decision.Authz.AUDIT_DENY, audited.get().policy());
    }
    String policy = enforced.or(() -> audited).map(RbacRules.Verdict::policy).orElse(Decision.NO_POLICY);
    return new Decision(Decision.Authz.ALLOW, policy);
  }

  @Override
  public String toString() {
    return "rules " + rules.map(Object::toString).orElse("absent (every call passes)")
        + "; shadow rules " + shadowRules.map(Object::toString).orElse("absent");
  }
}
