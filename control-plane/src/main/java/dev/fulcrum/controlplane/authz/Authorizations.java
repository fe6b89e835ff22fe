package dev.fulcrum.controlplane.authz;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The Authorizations in force at one moment, and why each one whose current version is not in
 * force was refused. Immutable.
 *
 * @param enforced the valid policies, by id; an invalid edit's last good version among them
 * @param rejected by Authorization id ({@code namespace/name}), the error naming document and field
 */
public record Authorizations(List<MeshAuthorization> enforced, Map<String, String> rejected) {
  public static final Authorizations NONE = new Authorizations(List.of(), Map.of());

  public Authorizations {
    enforced = enforced.stream().sorted(Comparator.comparing(MeshAuthorization::id)).toList();
    rejected = Map.copyOf(rejected);
  }
}
