package dev.fulcrum.controlplane.mesh;

import dev.fulcrum.controlplane.authz.Authorizations;
import java.util.List;
import java.util.Map;

/**
 * Everything the control plane serves, at one moment: the valid Links, the endpoints each target
 * resolved to, the Authorizations in force, and the problems found on the way (one message per rejected document or target).
 * Immutable, so that translating it needs no locks.
 *
 * @param rejected why each Link (by id) whose current version is not served was refused: its
 *     validation error naming the field, or the Link it conflicts with
 * @param unresolved why each target that has no endpoints could not be resolved
 * @param aliases the other authorities each Link (by id) is reachable at
 * @param authorizations the policies servers enforce, and why any were refused
 */
public record MeshModel(
    List<MeshLink> links,
    Map<Target, List<Endpoint>> endpoints,
    List<String> errors,
    Map<String, String> rejected,
    Map<Target, String> unresolved,
    Map<String, List<Authority>> aliases,
    Authorizations authorizations) {
  public static final MeshModel EMPTY = new MeshModel(List.of(), Map.of(), List.of());

  public MeshModel {
    links = List.copyOf(links);
    endpoints = Map.copyOf(endpoints);
    errors = List.copyOf(errors);
    rejected = Map.copyOf(rejected);
    unresolved = Map.copyOf(unresolved);
    aliases = Map.copyOf(aliases);
  }

  /** A model without Authorizations. */
  public MeshModel(List<MeshLink> links, Map<Target, List<Endpoint>> endpoints, List<String> errors,
      Map<String, String> rejected, Map<Target, String> unresolved, Map<String, List<Authority>> aliases) {
    this(links, endpoints, errors, rejected, unresolved, aliases, Authorizations.NONE);
  }

  public MeshModel(List<MeshLink> links, Map<Target, List<Endpoint>> endpoints, List<String> errors) {
    this(links, endpoints, errors, Map.of(), Map.of(), Map.of());
  }

  public List<Endpoint> endpointsOf(Target target) {
    return endpoints.getOrDefault(target, List.of());
  }

  public List<Authority> aliasesOf(MeshLink link) {
    return aliases.getOrDefault(link.id(), List.of());
  }
}
