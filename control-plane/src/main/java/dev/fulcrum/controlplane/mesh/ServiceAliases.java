package dev.fulcrum.controlplane.mesh;

import java.util.List;

/**
 * The other authorities by which clients reach a Link's service. In Kubernetes a Service is
 * {@code name}, {@code name.ns}, {@code name.ns.svc} and {@code name.ns.svc.cluster.local}; a file
 * of Links has no such rule, so it has none.
 */
public interface ServiceAliases {
  ServiceAliases NONE = (namespace, service) -> List.of();

  /** Aliases of {@code service} for a Link in {@code namespace}, without {@code service} itself. */
  List<Authority> of(String namespace, Authority service);
}
