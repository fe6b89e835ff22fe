package dev.fulcrum.contract.authz;

/**
 * The key of one policy in an inbound Listener's RBAC filter: one rule of one Authorization
 * ({@code default/echo-callers#0}) or a default ({@code default:deny#0}). The control plane writes
 * it; a sidecar reads back the policy's name from it, to name the policy in its metrics and
 * refusals.
 *
 * @param policy the Authorization's {@code namespace/name}, or {@link DefaultInboundPolicy#policyName}
 * @param rule the rule's index in the policy
 */
public record RbacPolicyKey(String policy, int rule) {
  private static final char SEPARATOR = '#';

  public static RbacPolicyKey parse(String key) {
    int separator = key.lastIndexOf(SEPARATOR);
    if (separator <= 0) {
      throw new IllegalArgumentException("'" + key + "' is not POLICY#RULE");
    }
    try {
      return new RbacPolicyKey(key.substring(0, separator), Integer.parseInt(key.substring(separator + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + key + "' is not POLICY#RULE", e);
    }
  }

  @Override
  public String toString() {
    return policy + SEPARATOR + rule;
  }
}
