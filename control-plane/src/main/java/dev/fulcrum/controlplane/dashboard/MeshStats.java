package dev.fulcrum.controlplane.dashboard;

import java.util.List;

/**
 * The dashboard's view of the mesh, served as {@code /api/stats}: the connected proxies, per
 * service and backend the traffic all of them sent, and per server what its authorization policy
 * decided. A list a dashboard before it did not send ({@code servers}) reads as empty.
 */
public record MeshStats(List<Proxy> proxies, List<Service> services, List<Server> servers) {

  public MeshStats {
    proxies = proxies == null ? List.of() : List.copyOf(proxies);
    services = services == null ? List.of() : List.copyOf(services);
    servers = servers == null ? List.of() : List.copyOf(servers);
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

  /**
   * One server, over every proxy protecting it (its replicas): what its authorization policy
   * decided since each proxy started.
   *
   * @param identity the server's identity, {@code NAMESPACE/SERVICEACCOUNT}
   * @param allowed calls let through
   * @param denied calls refused
   * @param auditDenied calls let through in audit mode that the policy would have refused
   * @param proxies how many proxies reported this identity
   * @param policies the same per policy that decided, most calls first; bounded, the rest summed in
   *     one {@link Policy#OTHERS} row
   */
  public record Server(String identity, long allowed, long denied, long auditDenied, int proxies,
      List<Policy> policies) {
    public Server {
      policies = policies == null ? List.of() : List.copyOf(policies);
    }
  }

  /**
   * @param policy an Authorization's {@code namespace/name}, a default ({@code default:allow},
   *     {@code default:authenticated}, {@code default:deny}), or {@link #OTHERS}
   */
  public record Policy(String policy, long allowed, long denied, long auditDenied) {
    /** The row summing the policies past a server's bound; no Authorization or default is named so. */
    public static final String OTHERS = "(other)";
  }
}
