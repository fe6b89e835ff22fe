package dev.fulcrum.controlplane.mesh;

import java.util.List;
import java.util.Map;

/**
 * Everything the control plane serves, at one moment: the valid Links, the endpoints each target
 * resolved to, and the problems found on the way (one message per rejected document or target).
 * Immutable, so that translating it needs no locks.
 */
public record MeshModel(List<MeshLink> links, Map<Target, List<Endpoint>> endpoints, List<String> errors) {
  public static final MeshModel EMPTY = new MeshModel(List.of(), Map.of(), List.of());

  public MeshModel {
    links = List.copyOf(links);
    endpoints = Map.copyOf(endpoints);
    errors = List.copyOf(errors);
  }

  public List<Endpoint> endpointsOf(Target target) {
    return endpoints.getOrDefault(target, List.of());
  }
}
