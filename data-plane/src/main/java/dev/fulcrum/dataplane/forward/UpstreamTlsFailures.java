package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.identity.TlsFailure;
import dev.fulcrum.dataplane.telemetry.Direction;
import dev.fulcrum.dataplane.telemetry.ProxyTelemetry;
import dev.fulcrum.dataplane.telemetry.RepeatedWarnings;
import io.grpc.Status;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status the caller is told when mTLS with the backend failed. grpc reports a failed handshake
 * as UNAVAILABLE "io exception" (or the like), the reason only in the status's cause, which does
 * not cross the wire: the caller is told the reason instead, still UNAVAILABLE, the cause kept.
 * Each call so failed is counted ({@code fulcrum_tls_failures_total{direction="outbound"}}, by
 * reason) and logged at WARN: the first of a reason for a service, then every
 * hundredth ({@link RepeatedWarnings}), so a backend failing every call does not flood the log.
 */
@Singleton
public final class UpstreamTlsFailures {
  private static final Logger log = LoggerFactory.getLogger(UpstreamTlsFailures.class);

  static final String PREFIX = "mTLS with the backend failed: ";
  /** Services and reasons counted apart for the log; beyond, they share one count. */
  static final int MAX_COUNTED = 1_000;

  private final ProxyTelemetry telemetry;
  private final ConcurrentMap<Logged, AtomicLong> occurrences = new ConcurrentHashMap<>();
  private final AtomicLong beyondCap = new AtomicLong();

  private record Logged(String service, TlsFailure.Reason reason) {}

  @Inject
  public UpstreamTlsFailures(ProxyTelemetry telemetry) {
    this.telemetry = telemetry;
  }

  /** {@code status}, or for a failed TLS handshake with a backend of {@code service}, the reason. */
  Status forCaller(String service, Status status) {
    if (status.getCode() != Status.Code.UNAVAILABLE) {
      return status;
    }
    TlsFailure failure = TlsFailure.in(status.getCause());
    if (failure == null) {
      return status;
    }
    String description = PREFIX + failure.problem();
    telemetry.tlsFailed(Direction.OUTBOUND, failure.reason());
    long occurrence = occurrence(service, failure.reason());
    if (RepeatedWarnings.logs(occurrence)) {
      log.warn("outbound to {}: {} (failure {} of this kind; the first and every {}th are logged)",
          service, description, occurrence, RepeatedWarnings.EVERY);
    }
    return Status.UNAVAILABLE.withDescription(description).withCause(status.getCause());
  }

  /** This failure's number among those of its service and reason (past the cap, among all those beyond it). */
  long occurrence(String service, TlsFailure.Reason reason) {
    Logged key = new Logged(service, reason);
    AtomicLong count = occurrences.get(key);
    if (count == null) {
      count = occurrences.size() < MAX_COUNTED ? occurrences.computeIfAbsent(key, k -> new AtomicLong()) : beyondCap;
    }
    return count.incrementAndGet();
  }
}
