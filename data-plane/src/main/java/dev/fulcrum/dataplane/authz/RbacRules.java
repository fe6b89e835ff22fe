package dev.fulcrum.dataplane.authz;

import dev.fulcrum.contract.authz.RbacPolicyKey;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * One set of RBAC rules (the filter's {@code rules} or {@code shadow_rules}): its action and its
 * policies, tried in the order of their keys, as grpc does, so that the same call is always named
 * by the same policy. A policy matches a call when one of its permissions and one of its
 * principals do.
 */
final class RbacRules {
  private final RBAC.Action action;
  private final List<NamedPolicy> policies;
  /** The name of a decision no single policy made: every policy, sorted, joined. */
  private final String everyPolicy;

  private record NamedPolicy(String name, Predicate<InboundCall> matches) {}

  /** Whether the rules let the call through, and the policy that says so. */
  record Verdict(boolean passes, String policy) {}

  private RbacRules(RBAC.Action action, List<NamedPolicy> policies) {
    this.action = action;
    this.policies = List.copyOf(policies);
    TreeSet<String> names = new TreeSet<>();
    policies.forEach(policy -> names.add(policy.name()));
    this.everyPolicy = names.isEmpty() ? Decision.NO_POLICY : String.join(", ", names);
  }

  /** Reads {@code rules}, found at {@code field}; each error names the field it is about. */
  static RbacRules parse(RBAC rules, String field) throws InvalidPolicyException {
    if (rules.getAction() != RBAC.Action.ALLOW && rules.getAction() != RBAC.Action.DENY) {
      throw new InvalidPolicyException(field + ".action", rules.getAction() + " is not enforced (ALLOW or DENY are)");
    }
    List<NamedPolicy> policies = new ArrayList<>();
    for (Map.Entry<String, Policy> entry : new TreeMap<>(rules.getPoliciesMap()).entrySet()) {
      String at = field + ".policies[" + entry.getKey() + "]";
      policies.add(new NamedPolicy(name(entry.getKey(), at), policy(entry.getValue(), at)));
    }
    return new RbacRules(rules.getAction(), policies);
  }

  private static String name(String key, String field) throws InvalidPolicyException {
    try {
      return RbacPolicyKey.parse(key).policy();
    } catch (IllegalArgumentException e) {
      throw new InvalidPolicyException(field, "the key is not POLICY#RULE, so the policy has no name to be counted by");
    }
  }

  private static Predicate<InboundCall> policy(Policy policy, String field) throws InvalidPolicyException {
    if (policy.hasCondition() || policy.hasCheckedCondition()) {
      throw new InvalidPolicyException(field + (policy.hasCondition() ? ".condition" : ".checked_condition"),
          "not supported by the sidecar's RBAC");
    }
    Predicate<InboundCall> permitted = RbacMatchers.anyPermission(policy.getPermissionsList(), field + ".permissions");
    Predicate<InboundCall> principal = RbacMatchers.anyPrincipal(policy.getPrincipalsList(), field + ".principals");
    return call -> permitted.test(call) && principal.test(call);
  }

  /**
   * ALLOW: the call passes if a policy matches (named by the first), else not (named by every
   * policy). DENY: it fails if a policy matches (named by the first), else passes (named by every policy).
   */
  Verdict evaluate(InboundCall call) {
    for (NamedPolicy policy : policies) {
      if (policy.matches().test(call)) {
        return new Verdict(action == RBAC.Action.ALLOW, policy.name());
      }
    }
    return new Verdict(action == RBAC.Action.DENY, everyPolicy);
  }

  @Override
  public String toString() {
    return action + " " + everyPolicy;
  }
}
