package dev.fulcrum.controlplane.mesh;

import dev.fulcrum.contract.Strategy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A validated Link: every field checked and converted, ready to translate.
 *
 * @param id namespace/name, unique among Links
 * @param backends the default route's targets (and weights)
 * @param policy the default route's policy
 * @param methodRoutes per-method routes, matched in order before the default
 */
public record MeshLink(
    String id,
    Authority service,
    Strategy strategy,
    Backends backends,
    RoutePolicy policy,
    List<MethodRoute> methodRoutes) {

  public MeshLink {
    methodRoutes = List.copyOf(methodRoutes);
  }

  /** A Link with only a default route. */
  public MeshLink(String id, Authority service, Strategy strategy, Backends backends, RoutePolicy policy) {
    this(id, service, strategy, backends, policy, List.of());
  }

  /** Every target any route may send to: what needs endpoints. */
  public List<Target> targets() {
    Set<Target> targets = new LinkedHashSet<>(backends.targets());
    methodRoutes.forEach(route -> targets.addAll(route.backends().targets()));
    return List.copyOf(targets);
  }
}
