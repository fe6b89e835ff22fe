package dev.fulcrum.dataplane.telemetry;

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
 * and latency percentiles merged from the attempt histograms of every method and code. As JSON, so
 * the control plane needs no Prometheus parser.
 */
public final class BackendStats {
  private final ProxyTelemetry telemetry;

  @Inject
  public BackendStats(ProxyTelemetry telemetry) {
    this.telemetry = telemetry;
  }

  /** One service's backend, summed over methods and codes. */
  record Row(long requests, long failures, TreeMap<Double, Double> buckets) {}

  public String json() {
    Map<String, Map<String, Row>> services = new TreeMap<>();
    for (Map.Entry<ProxyTelemetry.AttemptKey, Timer> entry : telemetry.attemptTimers().entrySet()) {
      ProxyTelemetry.AttemptKey key = entry.getKey();
      HistogramSnapshot snapshot = entry.getValue().takeSnapshot();
      Row row = services.computeIfAbsent(key.service(), s -> new TreeMap<>())
          .computeIfAbsent(key.backend(), b -> new Row(0, 0, new TreeMap<>()));
      TreeMap<Double, Double> buckets = row.buckets();
      for (CountAtBucket bucket : snapshot.histogramCounts()) {
        buckets.merge(bucket.bucket(TimeUnit.MILLISECONDS), bucket.count(), Double::sum);
      }
      long failures = key.code() == Status.Code.OK ? 0 : snapshot.count();
      services.get(key.service()).put(key.backend(),
          new Row(row.requests() + snapshot.count(), row.failures() + failures, buckets));
    }
    StringBuilder json = new StringBuilder("{\"services\":[");
    String serviceSep = "";
    for (Map.Entry<String, Map<String, Row>> service : services.entrySet()) {
      json.append(serviceSep).append("{\"service\":").append(quote(service.getKey())).append(",\"backends\":[");
      serviceSep = ",";
      String backendSep = "";
      for (Map.Entry<String, Row> backend : service.getValue().entrySet()) {
        Row row = backend.getValue();
        json.append(backendSep).append("{\"backend\":").append(quote(backend.getKey()))
            .append(",\"requests\":").append(row.requests())
            .append(",\"failures\":").append(row.failures())
            .append(",\"p50_ms\":").append(percentile(row, 0.5))
            .append(",\"p99_ms\":").append(percentile(row, 0.99))
            .append('}');
        backendSep = ",";
      }
      json.append("]}");
    }
    return json.append("]}").toString();
  }

  /** The upper bound of the bucket holding the {@code q} quantile (buckets hold cumulative counts). */
  private static double percentile(Row row, double q) {
    double wanted = q * row.requests();
    for (Map.Entry<Double, Double> bucket : row.buckets().entrySet()) {
      if (bucket.getValue() >= wanted && row.requests() > 0) {
        return Math.round(bucket.getKey() * 1000) / 1000.0;
      }
    }
    return 0;
  }

  static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
