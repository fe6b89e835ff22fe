package dev.fulcrum.dataplane.telemetry;

import dev.fulcrum.dataplane.ProxyConfig;
import io.grpc.Metadata;
import io.grpc.Status;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Tracing done by the proxy, so applications need no change: a span per call, a child of the
 * caller's W3C {@code traceparent} if it sent one, and the upstream call carries the span's own
 * {@code traceparent}, so a trace crosses every proxy on the way with one trace id. Spans go to an
 * OTLP/HTTP endpoint ({@code --otlp-endpoint}); without one, tracing is off and costs nothing
 * (headers then pass through untouched, like any other).
 *
 * <p>Sampling: a share of the calls that come without a trace start one ({@code --trace-sampling});
 * a call that comes with one follows its caller's decision (the {@code traceparent}'s sampled flag),
 * and passes the decision on, so every proxy on the way agrees and a trace is never half recorded.
 */
@Singleton
public final class Tracing implements AutoCloseable {
  private static final W3CTraceContextPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();
  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("fulcrum.service");
  private static final AttributeKey<String> BACKEND = AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> GRPC_STATUS = AttributeKey.longKey("rpc.grpc.status_code");

  private final SdkTracerProvider provider;
  private final Tracer tracer;

  @Inject
  public Tracing(ProxyConfig config) {
    this(config.otlpEndpoint().map(endpoint -> (SpanExporter) OtlpHttpSpanExporter.builder()
        .setEndpoint(endpoint).build()).orElse(null), config.nodeId(), config.traceSampling());
  }

  /** Tracing to {@code exporter}, of {@code sampling} of the calls that start a trace; off when it is null. */
  public Tracing(SpanExporter exporter, String nodeId, double sampling) {
    if (exporter == null) {
      provider = null;
      tracer = null;
      return;
    }
    provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().toBuilder()
            .put("service.name", "fulcrum-proxy")
            .put("service.instance.id", nodeId)
            .build())
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampling)))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(200, TimeUnit.MILLISECONDS).build())
        .build();
    tracer = provider.get("dev.fulcrum.proxy");
  }

  public boolean enabled() {
    return tracer != null;
  }

  /**
   * Starts the span of a call whose inbound {@code headers} are about to go upstream, and puts the
   * span's context in them. Returns null when tracing is off.
   */
  Span start(String service, String method, Metadata headers) {
    if (tracer == null) {
      return null;
    }
    Context parent = PROPAGATOR.extract(Context.root(), headers, MetadataGetter.INSTANCE);
    Span span = tracer.spanBuilder(method)
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(RPC_SYSTEM, "grpc")
        .setAttribute(RPC_METHOD, method)
        .setAttribute(SERVICE, service)
        .startSpan();
    PROPAGATOR.inject(parent.with(span), headers, MetadataSetter.INSTANCE);
    return span;
  }

  static void end(Span span, Status status, String backend) {
    span.setAttribute(GRPC_STATUS, (long) status.getCode().value());
    span.setAttribute(BACKEND, backend);
    if (!status.isOk()) {
      span.setStatus(StatusCode.ERROR, status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription()));
    }
    span.end();
  }

  @Override
  public void close() {
    if (provider != null) {
      provider.shutdown().join(5, TimeUnit.SECONDS);
    }
  }

  private enum MetadataGetter implements TextMapGetter<Metadata> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Metadata headers) {
      return headers.keys();
    }

    @Override
    public String get(Metadata headers, String key) {
      return headers == null ? null : headers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
    }
  }

  private enum MetadataSetter implements TextMapSetter<Metadata> {
    INSTANCE;

    @Override
    public void set(Metadata headers, String key, String value) {
      Metadata.Key<String> header = Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
      headers.discardAll(header);
      headers.put(header, value);
    }
  }
}
