package dev.fulcrum.controlplane;

import dev.fulcrum.controlplane.identity.IdentityService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The control plane's own metrics, scraped at the admin endpoint's {@code /metrics}: what its CA
 * issued and refused. Read from the counters each part keeps (nothing is counted twice):
 * <ul>
 *   <li>{@code fulcrum_identity_issued_total}: certificates issued;</li>
 *   <li>{@code fulcrum_identity_refused_total}: CSRs refused (each logged with the pod it came from);</li>
 *   <li>{@code fulcrum_identity_issuer_rejected_total}: versions of the issuer Secret refused (the last
 *       good issuer kept serving; each logged naming the object and key).</li>
 * </ul>
 */
@Singleton
public final class ControlPlaneMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Inject
  public ControlPlaneMetrics(Optional<IdentityService> identity) {
    identity.ifPresent(service -> {
      FunctionCounter.builder("fulcrum.identity.issued", service, IdentityService::issued)
          .description("Workload certificates issued").register(registry);
      FunctionCounter.builder("fulcrum.identity.refused", service, IdentityService::refused)
          .description("Certificate signing requests refused").register(registry);
      FunctionCounter.builder("fulcrum.identity.issuer.rejected", service, IdentityService::issuerRejected)
          .description("Versions of the issuer Secret refused; the last good issuer kept serving").register(registry);
    });
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
