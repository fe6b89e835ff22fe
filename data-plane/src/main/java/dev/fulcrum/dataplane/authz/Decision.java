package dev.fulcrum.dataplane.authz;

/**
 * What the inbound policy decided for one call, and the policy that decided: an Authorization's
 * {@code namespace/name}, a default ({@code default:deny}), or several joined with ", " when no
 * single one matched (every policy the call failed to match).
 */
public record Decision(Authz authz, String policy) {
  /** The policy named when the Listener's RBAC holds none (rules and shadow rules both absent or empty). */
  public static final String NO_POLICY = "none";

  public enum Authz {
    /** The call goes to the application. */
    ALLOW("allow"),
    /** The call is refused (PERMISSION_DENIED); the application never sees it. */
    DENY("deny"),
    /** The call goes to the application, but an audit-mode policy would have refused it. */
    AUDIT_DENY("audit-deny");

    private final String label;

    Authz(String label) {
      this.label = label;
    }

    /** The metric label: {@code allow}, {@code deny}, {@code audit-deny}. */
    public String label() {
      return label;
    }
  }
}
