package dev.fulcrum.controlplane.authz;

import java.util.List;
import java.util.Optional;

/**
 * A valid {@code Authorization}, as typed values: the workloads it protects, its mode, and the
 * rules a call must match one of (a rule matches when it admits both the caller and the method).
 *
 * @param id {@code namespace/name}
 * @param server the protected workloads' identity, {@code NAMESPACE/SERVICEACCOUNT}
 * @param port their inbound port, when the policy is for that port alone
 */
public record MeshAuthorization(String id, String server, Optional<Integer> port, Mode mode, List<Rule> rules) {

  public MeshAuthorization {
    rules = List.copyOf(rules);
  }

  /** Whether refusals refuse, or are only counted and logged. */
  public enum Mode { ENFORCE, AUDIT }

  /**
   * Calls from {@code callers} to {@code methods}: exact paths ({@code /pkg.Service/Method}), whole
   * services ({@code /pkg.Service/*}) or {@code *}, every method.
   */
  public record Rule(Callers callers, List<String> methods) {
    public Rule {
      methods = List.copyOf(methods);
    }
  }

  /**
   * Mesh identities, each {@code NAMESPACE/SERVICEACCOUNT}, {@code NAMESPACE/*} (any of the
   * namespace's) or {@code *} (any); and with {@code unauthenticated}, callers without one.
   */
  public record Callers(List<String> identities, boolean unauthenticated) {
    public Callers {
      identities = List.copyOf(identities);
    }
  }
}
