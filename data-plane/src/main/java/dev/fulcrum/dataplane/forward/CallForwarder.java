package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.balance.CallAttempts;
import dev.fulcrum.dataplane.capture.CapturedAuthority;
import dev.fulcrum.dataplane.capture.OutboundDetection;
import dev.fulcrum.dataplane.telemetry.CallTelemetry;
import dev.fulcrum.dataplane.telemetry.ProxyTelemetry;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.net.InetSocketAddress;
import javax.inject.Inject;

/**
 * Starts each inbound call's twin on the upstream channel of its service and lets a
 * {@link ForwardedCall} relay between them. The upstream call is made in the inbound call's gRPC
 * context, so the caller's deadline and cancellation carry over by themselves.
 */
public final class CallForwarder implements ServerCallHandler<byte[], DetachedMessage> {
  private final UpstreamChannels upstreams;
  private final ProxyTelemetry telemetry;
  private final UpstreamTlsFailures tlsFailures;

  @Inject
  public CallForwarder(UpstreamChannels upstreams, ProxyTelemetry telemetry, UpstreamTlsFailures tlsFailures) {
    this.upstreams = upstreams;
    this.telemetry = telemetry;
    this.tlsFailures = tlsFailures;
  }

  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], DetachedMessage> inbound, Metadata headers) {
    ServerCall.Listener<byte[]> oversized = CallerMetadata.refuseOversized(inbound, headers);
    if (oversized != null) {
      return oversized;
    }
    InetSocketAddress captured = inbound.getAttributes().get(OutboundDetection.ORIGINAL_DESTINATION);
    String service = captured != null && inbound.getAuthority() != null
        ? CapturedAuthority.service(inbound.getAuthority(), captured) // a captured call names its service itself
        : upstreams.serviceFor(inbound.getAuthority());
    if (service == null) {
      return CallerMetadata.refuse(inbound, Status.UNAVAILABLE.withDescription(
          "fulcrum proxy: the call names no service (:authority) and the proxy has no --service"));
    }
    UpstreamChannels.Upstream upstream = upstreams.upstream(service);
    if (upstream == null) {
      return CallerMetadata.refuse(inbound, Status.UNAVAILABLE.withDescription("fulcrum proxy: " + UpstreamChannels.MAX_UNRESOLVED
          + " services are being looked up already; not opening another for " + service));
    }
    CallTelemetry callTelemetry = telemetry.startCall(
        service, upstream::served, inbound.getMethodDescriptor().getFullMethodName(), headers);
    // Each call carries its own record of the endpoints it tried, so that a retry tries another...
    CallAttempts attempts = new CallAttempts();
    CallOptions options = CallOptions.DEFAULT.withOption(CallAttempts.KEY, attempts);
    if (callTelemetry != null) {
      // ...and its telemetry, which sees every attempt and the backend it went to.
      options = options.withStreamTracerFactory(callTelemetry);
    }
    ClientCall<byte[], DetachedMessage> outbound = upstream.channel().newCall(inbound.getMethodDescriptor(), options);
    // ...and once it ends, the caller is told why mTLS with the backend failed, if it did, and
    // whether the call reached a backend tells whether the channel is worth keeping.
    return new ForwardedCall(inbound, outbound, callTelemetry,
        status -> tlsFailures.forCaller(service, UpstreamStatus.forCaller(status)),
        () -> upstreams.callEnded(upstream, attempts))
        .start(headers);
  }
}
