package dev.fulcrum.dataplane.telemetry;

import dev.fulcrum.dataplane.identity.TlsPeer;
import io.grpc.Attributes;
import io.grpc.ClientStreamTracer;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's telemetry. As a stream tracer factory it sees every attempt grpc makes, and the
 * backend each one went to; {@link #callClosed} records the call as its caller saw it.
 */
public final class CallTelemetry extends ClientStreamTracer.Factory {
  private static final Logger log = LoggerFactory.getLogger(CallTelemetry.class);

  private final ProxyTelemetry telemetry;
  private final Direction direction;
  private final String service;
  private final BooleanSupplier served;
  /** Already capped: callers choose method names. */
  private final String method;
  private final long startNanos = System.nanoTime();
  private final Span span;
  /** The caller, for an inbound call; null for an outbound one, whose peer is each attempt's backend. */
  private final ProxyTelemetry.Peer caller;
  private volatile String lastBackend = ProxyTelemetry.NO_BACKEND;
  private volatile ProxyTelemetry.Peer lastPeer = ProxyTelemetry.Peer.PLAINTEXT;

  /** {@code span} is null when tracing is off. */
  CallTelemetry(ProxyTelemetry telemetry, Direction direction, String service, BooleanSupplier served, String method,
      Span span, ProxyTelemetry.Peer caller) {
    this.telemetry = telemetry;
    this.direction = direction;
    this.service = service;
    this.served = served;
    this.method = method;
    this.span = span;
    this.caller = caller;
    if (caller != null) {
      lastPeer = caller;
    }
  }

  @Override
  public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
    if (info.getPreviousAttempts() > 0) {
      telemetry.retried(new ProxyTelemetry.MethodKey(direction, serviceLabel(false), method));
    }
    return new Attempt();
  }

  /** The call is over: {@code status} is what the caller got. */
  public void callClosed(Status status) {
    guarded(() -> {
      telemetry.callFinished(new ProxyTelemetry.CallKey(direction, serviceLabel(false), method, status.getCode(), lastPeer),
          System.nanoTime() - startNanos);
      if (span != null) {
        Tracing.end(span, status, lastBackend);
      }
    });
  }

  /**
   * The service's name if the control plane serves it (known from {@code served}, or because an
   * attempt {@code reachedBackend}), else {@value ProxyTelemetry#UNKNOWN_SERVICE}: only names the
   * control plane serves become series of their own.
   */
  private String serviceLabel(boolean reachedBackend) {
    return reachedBackend || served.getAsBoolean() ? telemetry.serviceLabel(service) : ProxyTelemetry.UNKNOWN_SERVICE;
  }

  /** Telemetry must never fail a call: it runs inside grpc's callbacks, where a throw stalls the call. */
  private static void guarded(Runnable record) {
    try {
      record.run();
    } catch (RuntimeException e) {
      log.warn("recording telemetry failed; the call goes on", e);
    }
  }

  private final class Attempt extends ClientStreamTracer {
    private final long start = System.nanoTime();
    private volatile String backend = ProxyTelemetry.NO_BACKEND;
    private volatile ProxyTelemetry.Peer peer = caller != null ? caller : ProxyTelemetry.Peer.PLAINTEXT;
    private volatile AtomicInteger active;

    @Override
    public void streamCreated(Attributes transportAttrs, Metadata headers) {
      guarded(() -> {
        backend = telemetry.backend(transportAttrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        lastBackend = backend;
        if (caller == null) {
          peer = telemetry.peer(TlsPeer.of(transportAttrs.get(Grpc.TRANSPORT_ATTR_SSL_SESSION)));
          lastPeer = peer;
        }
        AtomicInteger counter = telemetry.active(direction, serviceLabel(true), backend);
        counter.incrementAndGet();
        active = counter;
      });
    }

    @Override
    public void streamClosed(Status status) {
      guarded(() -> {
        AtomicInteger counter = active;
        if (counter != null) {
          counter.decrementAndGet();
        }
        telemetry.attemptFinished(
            new ProxyTelemetry.AttemptKey(direction, serviceLabel(!ProxyTelemetry.NO_BACKEND.equals(backend)), method,
                backend, status.getCode(), peer), System.nanoTime() - start);
      });
    }
  }
}
