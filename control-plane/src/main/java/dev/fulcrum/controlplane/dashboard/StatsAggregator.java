package dev.fulcrum.controlplane.dashboard;

import dev.fulcrum.contract.stats.BackendStats;
import dev.fulcrum.contract.stats.ProxyStats;
import dev.fulcrum.contract.stats.ServiceStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.inject.Inject;

/**
 * Turns each proxy's polls into the mesh's stats (pure: no clock, no I/O): per service and backend
 * here, per server in {@link ServerStatsAggregator}.
 */
public final class StatsAggregator {
  private final ServerStatsAggregator servers = new ServerStatsAggregator();

  @Inject
  public StatsAggregator() {}

  /** Sums over proxies, per service and backend. */
  private static final class Sum {
    double rps;
    long windowRequests;
    long windowFailures;
    long requests;
    long failures;
    double p50TimesRequests;
    double p99Max;
    int proxies;
    boolean tls;
    String identity = "";
  }

  public MeshStats aggregate(List<ProxyPoll> polls) {
    Map<String, Map<String, Sum>> sums = new TreeMap<>();
    List<MeshStats.Proxy> proxies = new ArrayList<>();
    for (ProxyPoll poll : polls) {
      proxies.add(new MeshStats.Proxy(poll.proxy().name(), poll.proxy().admin(), status(poll),
          poll.error().orElse(null)));
      // A proxy that stopped answering keeps its last counts, but adds no rate: it is not known.
      poll.latest().ifPresent(latest -> add(sums, latest,
          poll.error().isEmpty() ? poll.previous().orElse(null) : null));
    }
    List<MeshStats.Service> services = new ArrayList<>();
    sums.forEach((service, backends) -> {
      List<MeshStats.Backend> rows = new ArrayList<>();
      backends.forEach((backend, sum) -> rows.add(row(backend, sum)));
      services.add(new MeshStats.Service(service, rows));
    });
    proxies.sort((a, b) -> a.node().equals(b.node()) ? a.admin().compareTo(b.admin()) : a.node().compareTo(b.node()));
    return new MeshStats(proxies, services, servers.aggregate(polls));
  }

  private static String status(ProxyPoll poll) {
    if (poll.error().isPresent()) {
      return "not answering";
    }
    return poll.latest().isPresent() ? "answering" : "not polled yet";
  }

  private static void add(Map<String, Map<String, Sum>> sums, ProxyPoll.Sample latest, ProxyPoll.Sample previous) {
    double seconds = previous == null ? 0 : (latest.atNanos() - previous.atNanos()) / 1e9;
    for (ServiceStats service : latest.stats().getServicesList()) {
      for (BackendStats backend : service.getBackendsList()) {
        Sum sum = sums.computeIfAbsent(service.getService(), s -> new TreeMap<>())
            .computeIfAbsent(backend.getBackend(), b -> new Sum());
        sum.requests += backend.getRequests();
        sum.failures += backend.getFailures();
        sum.p50TimesRequests += backend.getP50Ms() * backend.getRequests();
        sum.p99Max = Math.max(sum.p99Max, backend.getP99Ms());
        sum.proxies++;
        if (backend.getTls()) {
          sum.tls = true;
          sum.identity = backend.getIdentity();
        }
        if (seconds > 0) {
          BackendStats before = find(previous.stats(), service.getService(), backend.getBackend());
          long requests = backend.getRequests() - (before == null ? 0 : before.getRequests());
          long failures = backend.getFailures() - (before == null ? 0 : before.getFailures());
          if (requests < 0 || failures < 0) {
            // Counters went back: the proxy restarted in between, so all it counted is new.
            requests = backend.getRequests();
            failures = backend.getFailures();
          }
          sum.rps += requests / seconds;
          sum.windowRequests += requests;
          sum.windowFailures += failures;
        }
      }
    }
  }

  /** The row of {@code service} and {@code backend} in {@code stats}, or null. */
  static BackendStats find(ProxyStats stats, String service, String backend) {
    for (ServiceStats s : stats.getServicesList()) {
      if (s.getService().equals(service)) {
        for (BackendStats b : s.getBackendsList()) {
          if (b.getBackend().equals(backend)) {
            return b;
          }
        }
      }
    }
    return null;
  }

  private static MeshStats.Backend row(String backend, Sum sum) {
    Double successRate = sum.windowRequests == 0 ? null
        : round((sum.windowRequests - sum.windowFailures) / (double) sum.windowRequests, 4);
    double p50 = sum.requests == 0 ? 0 : sum.p50TimesRequests / sum.requests;
    return new MeshStats.Backend(backend, round(sum.rps, 2), successRate, sum.requests, sum.failures,
        round(p50, 3), round(sum.p99Max, 3), sum.proxies, sum.tls, sum.identity);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
