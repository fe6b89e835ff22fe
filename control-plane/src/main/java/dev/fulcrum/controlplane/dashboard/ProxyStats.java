package dev.fulcrum.controlplane.dashboard;

import java.util.List;

/**
 * What a proxy's admin {@code /stats} says: per service and backend, calls and failures since the
 * proxy started, and its latency percentiles.
 */
public record ProxyStats(List<Service> services) {
  public static final ProxyStats EMPTY = new ProxyStats(List.of());

  public ProxyStats {
    services = services == null ? List.of() : List.copyOf(services);
  }

  public record Service(String service, List<Backend> backends) {
    public Service {
      backends = backends == null ? List.of() : List.copyOf(backends);
    }
  }

  public record Backend(String backend, long requests, long failures, double p50Ms, double p99Ms) {}

  /** The row of {@code service} and {@code backend}, or none. */
  public Backend find(String service, String backend) {
    for (Service s : services) {
      if (s.service().equals(service)) {
        for (Backend b : s.backends()) {
          if (b.backend().equals(backend)) {
            return b;
          }
        }
      }
    }
    return null;
  }
}
