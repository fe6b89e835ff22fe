package dev.fulcrum.controlplane.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.inject.Inject;

/** Turns each proxy's polls into the mesh's stats (pure: no clock, no I/O). */
public final class StatsAggregator {

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
    return new MeshStats(proxies, services);
  }

  private static String status(ProxyPoll poll) {
    if (poll.error().isPresent()) {
      return "not answering";
    }
    return poll.latest().isPresent() ? "answering" : "not polled yet";
  }

  private static void add(Map<String, Map<String, Sum>> sums, ProxyPoll.Sample latest, ProxyPoll.Sample previous) {
    double seconds = previous == null ? 0 : (latest.atNanos() - previous.atNanos()) / 1e9;
    for (ProxyStats.Service service : latest.stats().services()) {
      for (ProxyStats.Backend backend : service.backends()) {
        Sum sum = sums.computeIfAbsent(service.service(), s -> new TreeMap<>())
            .computeIfAbsent(backend.backend(), b -> new Sum());
        sum.requests += backend.requests();
        sum.failures += backend.failures();
        sum.p50TimesRequests += backend.p50Ms() * backend.requests();
        sum.p99Max = Math.max(sum.p99Max, backend.p99Ms());
        sum.proxies++;
        if (seconds > 0) {
          ProxyStats.Backend before = previous.stats().find(service.service(), backend.backend());
          long requests = backend.requests() - (before == null ? 0 : before.requests());
          long failures = backend.failures() - (before == null ? 0 : before.failures());
          if (requests < 0 || failures < 0) {
            // Counters went back: the proxy restarted in between, so all it counted is new.
            requests = backend.requests();
            failures = backend.failures();
          }
          sum.rps += requests / seconds;
          sum.windowRequests += requests;
          sum.windowFailures += failures;
        }
      }
    }
  }

  private static MeshStats.Backend row(String backend, Sum sum) {
    Double successRate = sum.windowRequests == 0 ? null
        : round((sum.windowRequests - sum.windowFailures) / (double) sum.windowRequests, 4);
    double p50 = sum.requests == 0 ? 0 : sum.p50TimesRequests / sum.requests;
    return new MeshStats.Backend(backend, round(sum.rps, 2), successRate, sum.requests, sum.failures,
        round(p50, 3), round(sum.p99Max, 3), sum.proxies);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
