package dev.fulcrum.dataplane.telemetry;

import dev.fulcrum.contract.stats.BackendStats;
import dev.fulcrum.contract.stats.ProxyStats;
import dev.fulcrum.contract.stats.ServiceStats;
import io.grpc.Status;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;

/**
 * What the dashboard shows of this proxy: per service and backend, calls and failures since start,
 * and latency percentiles merged from the attempt histograms of every method and code; and, for
 * its inbound side, what the authorization policy decided ({@link InboundAuthorizations}); as the
 * contract's {@link ProxyStats}.
 */
public final class StatsReport {
  private final ProxyTelemetry telemetry;
  private final InboundAuthorizations authorizations;

  @Inject
  public StatsReport(ProxyTelemetry telemetry, InboundAuthorizations authorizations) {
    this.telemetry = telemetry;
    this.authorizations = authorizations;
  }

  /** One service's backend, summed over methods and codes. */
  private static final class Row {
    long requests;
    long failures;
    ProxyTelemetry.Peer peer = ProxyTelemetry.Peer.PLAINTEXT;
    final TreeMap<Double, Double> buckets = new TreeMap<>();
  }

  public ProxyStats stats() {
    Map<String, Map<String, Row>> services = new TreeMap<>();
    for (Map.Entry<ProxyTelemetry.AttemptKey, Timer> entry : telemetry.attemptTimers().entrySet()) {
      ProxyTelemetry.AttemptKey key = entry.getKey();
      if (key.direction() != Direction.OUTBOUND) {
        continue; // the dashboard's view is of services and the backends calls went to
      }
      HistogramSnapshot snapshot = entry.getValue().takeSnapshot();
      Row row = services.computeIfAbsent(key.service(), s -> new TreeMap<>())
          .computeIfAbsent(key.backend(), b -> new Row());
      for (CountAtBucket bucket : snapshot.histogramCounts()) {
        row.buckets.merge(bucket.bucket(TimeUnit.MILLISECONDS), bucket.count(), Double::sum);
      }
      row.requests += snapshot.count();
      row.failures += key.code() == Status.Code.OK ? 0 : snapshot.count();
      if (key.peer().tls()) {
        row.peer = key.peer(); // a backend reached over mTLS once is a meshed one
      }
    }
    ProxyStats.Builder stats = ProxyStats.newBuilder();
    services.forEach((service, backends) -> {
      ServiceStats.Builder serviceStats = stats.addServicesBuilder().setService(service);
      backends.forEach((backend, row) -> serviceStats.addBackends(BackendStats.newBuilder()
          .setBackend(backend)
          .setRequests(row.requests)
          .setFailures(row.failures)
          .setP50Ms(percentile(row, 0.5))
          .setP99Ms(percentile(row, 0.99))
          .setTls(row.peer.tls())
          .setIdentity(row.peer.identity())));
    });
    authorizations.stats().ifPresent(stats::setInbound);
    return stats.build();
  }

  /** The upper bound of the bucket holding the {@code q} quantile (buckets hold cumulative counts). */
  private static double percentile(Row row, double q) {
    double wanted = q * row.requests;
    for (Map.Entry<Double, Double> bucket : row.buckets.entrySet()) {
      if (bucket.getValue() >= wanted && row.requests > 0) {
        return Math.round(bucket.getKey() * 1000) / 1000.0;
      }
    }
    return 0;
  }
}
