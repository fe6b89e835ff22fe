package dev.fulcrum.dataplane.telemetry;

import dev.fulcrum.dataplane.BoundedMemo;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.identity.TlsFailure;
import dev.fulcrum.dataplane.identity.TlsPeer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The proxy's metrics (micrometer, exposed in Prometheus format). Every series has a
 * {@code direction} ({@code outbound}: from this proxy's application; {@code inbound}: from a caller
 * to it), and those of calls and attempts say who the peer of the meshed hop was: {@code tls}
 * ({@code "true"} over mTLS) and {@code identity} (the SPIFFE ID its certificate proved, else
 * empty): the backend's for outbound calls, the caller's for inbound ones.
 * <ul>
 *   <li>{@code fulcrum_requests_seconds}: every attempt, by service, method, backend (the address
 *       it went to) and gRPC status code, as a latency histogram;</li>
 *   <li>{@code fulcrum_calls_seconds}: every call as the caller saw it (retries included), by
 *       service, method and code;</li>
 *   <li>{@code fulcrum_retries_total}, {@code fulcrum_timeouts_total}: by service and method;</li>
 *   <li>{@code fulcrum_active_requests}: attempts in flight, by service and backend;</li>
 *   <li>{@code fulcrum_tls_failures_total}: calls failed by a TLS handshake with the peer that
 *       failed (one handshake fails every call waiting on it), by {@code reason}, one of
 *       {@link TlsFailure.Reason}'s few labels (never an exception's text).</li>
 * </ul>
 * The inbound side's authorization decisions are counted apart, by {@link InboundAuthorizations}.
 * Meters are looked up once per tag set and cached, so recording a call costs a map lookup and a
 * histogram update.
 */
@Singleton
public final class ProxyTelemetry {
  /** A backend label for a call that never reached one (no endpoint, unknown service). */
  static final String NO_BACKEND = "none";
  /** Backend labels kept; endpoints come and go, so the cache must not grow without bound. */
  static final int MAX_BACKENDS = 10_000;
  /** The service label of a call to a name the control plane does not serve (callers choose those). */
  static final String UNKNOWN_SERVICE = "unknown";
  /**
   * Services and methods labelled by name, each; beyond, {@link CappedLabels#OTHER}. A sidecar's
   * application calls tens of services and methods, not hundreds; at these caps the series stay
   * within a few megabytes and one {@code /metrics} scrape within a second.
   */
  static final int MAX_SERVICES = 200;
  static final int MAX_METHODS = 500;
  /** Peer identities labelled by name: the mesh's workloads (only the CA's certificates get here). */
  static final int MAX_IDENTITIES = 500;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentMap<AttemptKey, Timer> attempts = new ConcurrentHashMap<>();
  private final ConcurrentMap<CallKey, Timer> calls = new ConcurrentHashMap<>();
  private final ConcurrentMap<MethodKey, Counter> retries = new ConcurrentHashMap<>();
  private final ConcurrentMap<MethodKey, Counter> timeouts = new ConcurrentHashMap<>();
  private final ConcurrentMap<BackendKey, AtomicInteger> active = new ConcurrentHashMap<>();
  private final ConcurrentMap<TlsFailureKey, Counter> tlsFailures = new ConcurrentHashMap<>();
  private final BoundedMemo<SocketAddress, String> backends = new BoundedMemo<>(MAX_BACKENDS, ProxyTelemetry::label);
  private final CappedLabels services = new CappedLabels(MAX_SERVICES);
  private final CappedLabels methods = new CappedLabels(MAX_METHODS);
  private final CappedLabels identities = new CappedLabels(MAX_IDENTITIES);

  private final Tracing tracing;
  private final boolean enabled;
  private final boolean metricsOn;

  @Inject
  public ProxyTelemetry(Tracing tracing, ProxyConfig config) {
    this.tracing = tracing;
    this.metricsOn = config.metrics();
    this.enabled = config.metrics() || tracing.enabled();
  }

  record AttemptKey(Direction direction, String service, String method, String backend, Status.Code code, Peer peer) {}

  record CallKey(Direction direction, String service, String method, Status.Code code, Peer peer) {}

  record MethodKey(Direction direction, String service, String method) {}

  record BackendKey(Direction direction, String service, String backend) {}

  record TlsFailureKey(Direction direction, TlsFailure.Reason reason) {}

  /** The peer's labels, {@code tls} and {@code identity}, already capped. */
  record Peer(boolean tls, String identity) {
    static final Peer PLAINTEXT = new Peer(false, "");

    Tags tags() {
      return Tags.of("tls", Boolean.toString(tls), "identity", identity);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * A new outbound call's recorder: attach it to the upstream call as its stream tracer factory. If
   * tracing is on, the call's span starts here and its context is put in {@code headers}, which go
   * upstream. {@code served} tells, when the call is recorded, whether the control plane serves the
   * service: calls to other names are labelled {@value #UNKNOWN_SERVICE}. Each attempt's peer is
   * the backend's TLS. Null when both metrics and tracing are off.
   */
  public CallTelemetry startCall(String service, BooleanSupplier served, String method, Metadata headers) {
    return enabled
        ? new CallTelemetry(this, Direction.OUTBOUND, service, served, methods.of(method),
            tracing.start(service, method, headers), null)
        : null;
  }

  /**
   * A new inbound call's recorder, for the call to the application: {@code caller} is who called
   * (its TLS and identity), {@code service} the authority it called.
   */
  public CallTelemetry startInboundCall(String service, String method, TlsPeer caller) {
    return metricsOn
        ? new CallTelemetry(this, Direction.INBOUND, service, () -> true, methods.of(method), null, peer(caller))
        : null;
  }

  /** The labels of a peer: its identity capped, as callers could otherwise choose many. */
  Peer peer(TlsPeer peer) {
    return peer.tls() ? new Peer(true, peer.id().isPresent() ? identities.of(peer.identityLabel()) : "") : Peer.PLAINTEXT;
  }

  /** The label of a service the control plane serves. */
  String serviceLabel(String service) {
    return services.of(service);
  }

  void attemptFinished(AttemptKey key, long nanos) {
    attempts.computeIfAbsent(key, k -> latency("fulcrum.requests", Tags.of("direction", k.direction().label(),
            "service", k.service(), "method", k.method(), "backend", k.backend(), "code", k.code().name())
            .and(k.peer().tags())))
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  void callFinished(CallKey key, long nanos) {
    calls.computeIfAbsent(key, k -> latency("fulcrum.calls", Tags.of("direction", k.direction().label(),
            "service", k.service(), "method", k.method(), "code", k.code().name()).and(k.peer().tags())))
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    if (key.code() == Status.Code.DEADLINE_EXCEEDED) {
      count(timeouts, "fulcrum.timeouts", new MethodKey(key.direction(), key.service(), key.method()));
    }
  }

  void retried(MethodKey key) {
    count(retries, "fulcrum.retries", key);
  }

  /** A backend's label, {@code ip:port}: made once per address (up to {@link #MAX_BACKENDS}), not on every attempt. */
  String backend(SocketAddress address) {
    return address == null ? NO_BACKEND : backends.get(address);
  }

  private static String label(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getAddress() == null ? inet.getHostString() + ":" + inet.getPort()
          : inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }
    return address.toString();
  }

  /** The in-flight counter of one backend of one service. */
  AtomicInteger active(Direction direction, String service, String backend) {
    return active.computeIfAbsent(new BackendKey(direction, service, backend), k -> {
      AtomicInteger gauge = new AtomicInteger();
      Gauge.builder("fulcrum.active.requests", gauge, AtomicInteger::get)
          .tags("direction", k.direction().label(), "service", k.service(), "backend", k.backend())
          .register(registry);
      return gauge;
    });
  }

  /** A call failed for a failed TLS handshake with its peer, for {@code reason}. */
  public void tlsFailed(Direction direction, TlsFailure.Reason reason) {
    tlsFailures.computeIfAbsent(new TlsFailureKey(direction, reason), k -> Counter.builder("fulcrum.tls.failures")
        .description("Calls failed by a failed TLS handshake with the peer, by why")
        .tags("direction", k.direction().label(), "reason", k.reason().label())
        .register(registry)).increment();
  }

  private void count(ConcurrentMap<MethodKey, Counter> counters, String name, MethodKey key) {
    counters.computeIfAbsent(key, k -> Counter.builder(name)
        .tags("direction", k.direction().label(), "service", k.service(), "method", k.method())
        .register(registry)).increment();
  }

  private Timer latency(String name, Tags tags) {
    return Timer.builder(name)
        .tags(tags)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  /** Every attempt timer, for the stats the dashboard reads. */
  java.util.Map<AttemptKey, Timer> attemptTimers() {
    return attempts;
  }
}
