package dev.fulcrum.controlplane.mesh;

import java.util.List;

/**
 * Where a route sends calls: its targets, and their weights when traffic is split between them
 * (empty when it is not: then every endpoint of every target is one pool).
 */
public record Backends(List<Target> targets, List<Integer> weights) {

  public Backends {
    targets = List.copyOf(targets);
    weights = List.copyOf(weights);
    if (!weights.isEmpty() && weights.size() != targets.size()) {
      throw new IllegalArgumentException("one weight per target");
    }
  }

  public static Backends of(List<Target> targets) {
    return new Backends(targets, List.of());
  }

  public boolean weighted() {
    return !weights.isEmpty();
  }
}
