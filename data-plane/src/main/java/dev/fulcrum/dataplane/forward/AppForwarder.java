package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.identity.TlsPeer;
import dev.fulcrum.dataplane.telemetry.CallTelemetry;
import dev.fulcrum.dataplane.telemetry.ProxyTelemetry;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The inbound side's forwarder: each call a meshed caller sent to this proxy, once the
 * {@link InboundAuthorizer} allowed it, goes on to the application, on loopback in plaintext, over
 * one cached connection; the caller's TLS and identity label its metrics.
 */
@Singleton
public final class AppForwarder implements ServerCallHandler<byte[], DetachedMessage>, AutoCloseable {
  /** The service label of a call that named no authority. */
  static final String NO_AUTHORITY = "unknown";

  private final ManagedChannel app;
  private final ProxyTelemetry telemetry;

  @Inject
  public AppForwarder(ProxyConfig config, EventLoops eventLoops, ProxyTelemetry telemetry) {
    int appPort = config.inbound().orElseThrow().appPort();
    this.app = eventLoops.channel("127.0.0.1:" + appPort, InsecureChannelCredentials.create())
        .directExecutor()
        .maxInboundMessageSize(config.maxMessageBytes())
        .build();
    this.telemetry = telemetry;
  }

  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], DetachedMessage> inbound, Metadata headers) {
    ServerCall.Listener<byte[]> refused = CallerMetadata.refuseOversized(inbound, headers);
    if (refused != null) {
      return refused;
    }
    TlsPeer caller = TlsPeer.of(inbound.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    String authority = inbound.getAuthority() == null ? NO_AUTHORITY : inbound.getAuthority();
    CallTelemetry callTelemetry = telemetry.startInboundCall(authority,
        inbound.getMethodDescriptor().getFullMethodName(), caller);
    CallOptions options = callTelemetry == null ? CallOptions.DEFAULT
        : CallOptions.DEFAULT.withStreamTracerFactory(callTelemetry);
    ClientCall<byte[], DetachedMessage> outbound = app.newCall(inbound.getMethodDescriptor(), options);
    return new ForwardedCall(inbound, outbound, callTelemetry, UpstreamStatus::forCaller, () -> {}).start(headers);
  }

  @Override
  public void close() {
    app.shutdownNow();
    try {
      app.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
