package dev.fulcrum.controlplane.dashboard;

import java.util.List;

/**
 * The dashboard's view of the mesh, served as {@code /api/stats}: the connected proxies, and per
 * service and backend the traffic all of them sent.
 */
public record MeshStats(List<Proxy> proxies, List<Service> services) {

  public MeshStats {
    proxies = proxies == null ? List.of() : List.copyOf(proxies);
    services = services == null ? List.of() : List.copyOf(services);
  }

  /**
   * @param status {@code answering}, {@code not answering} or {@code not polled yet}
   * @param error why the last poll failed, or null
   */
  public record Proxy(String node, String admin, String status, String error) {}

  public record Service(String service, List<Backend> backends) {
    public Service {
      backends = backends == null ? List.of() : List.copyOf(backends);
    }
  }

  /**
   * One backend of one service, over every proxy that called it.
   *
   * @param rps calls per second between the last two polls
   * @param successRate the share of those calls that succeeded (0 to 1), or null when there were none
   * @param requests calls since each proxy started
   * @param failures failed calls since each proxy started
   * @param p50Ms the median latency since start (across proxies: their medians weighted by calls)
   * @param p99Ms the 99th percentile since start (across proxies: the highest, an upper bound)
   * @param proxies how many proxies called this backend
   * @param tls whether proxies reached it over mTLS
   * @param identity the identity its certificate proved (a SPIFFE ID), empty in plaintext: in
   *     the mesh, the application behind the inbound address
   */
  public record Backend(String backend, double rps, Double successRate, long requests, long failures,
      double p50Ms, double p99Ms, int proxies, boolean tls, String identity) {}
}
