package dev.fulcrum.dataplane.capture;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.dataplane.authz.Decision;
import dev.fulcrum.dataplane.telemetry.OpaqueTcp;
import dev.fulcrum.dataplane.telemetry.OpaqueTcp.Reason;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound side's first look at each connection, when the pod's are captured. Meshed callers
 * dial the inbound port, and callers outside the mesh the application's gRPC port, which iptables
 * redirects here: both go on to the inbound side as always ({@code inboundSide}: mTLS, or plaintext
 * when permissive, then each call authorized). A connection to any other port of the application
 * (its metrics, its own HTTPS) carries no call to authorize, so it is decided as a whole: refused
 * when strict (only mTLS callers), else as the policy decides for a caller without a certificate
 * calling no particular method ({@code unauthenticatedConnection}); let in, it passes through
 * unread to the port it was dialled on.
 */
public final class InboundDetection implements InternalProtocolNegotiator.ProtocolNegotiator {
  private static final Logger log = LoggerFactory.getLogger(InboundDetection.class);

  private final InternalProtocolNegotiator.ProtocolNegotiator inboundSide;
  private final int appPort;
  private final InboundTls mode;
  private final Supplier<Decision> unauthenticatedConnection;
  private final OpaqueTcp telemetry;
  private final Function<Channel, Optional<InetSocketAddress>> originalDestination;

  public InboundDetection(InternalProtocolNegotiator.ProtocolNegotiator inboundSide, int appPort, InboundTls mode,
      Supplier<Decision> unauthenticatedConnection, OpaqueTcp telemetry) {
    this(inboundSide, appPort, mode, unauthenticatedConnection, telemetry, OriginalDestination::of);
  }

  /** Tests say where connections were going, rather than have iptables redirect them. */
  InboundDetection(InternalProtocolNegotiator.ProtocolNegotiator inboundSide, int appPort, InboundTls mode,
      Supplier<Decision> unauthenticatedConnection, OpaqueTcp telemetry,
      Function<Channel, Optional<InetSocketAddress>> originalDestination) {
    this.inboundSide = inboundSide;
    this.appPort = appPort;
    this.mode = mode;
    this.unauthenticatedConnection = unauthenticatedConnection;
    this.telemetry = telemetry;
    this.originalDestination = originalDestination;
  }

  @Override
  public AsciiString scheme() {
    return inboundSide.scheme();
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (!(event instanceof ProtocolNegotiationEvent)) {
          ctx.fireUserEventTriggered(event);
          return;
        }
        Optional<InetSocketAddress> destination = originalDestination.apply(ctx.channel());
        if (destination.isEmpty() || destination.get().getPort() == appPort) {
          ctx.pipeline().addAfter(ctx.name(), null, inboundSide.newHandler(grpcHandler));
          ctx.fireUserEventTriggered(event);
          ctx.pipeline().remove(this);
          return;
        }
        Reason reason = mode == InboundTls.STRICT ? Reason.STRICT
            : unauthenticatedConnection.get().authz() == Decision.Authz.DENY ? Reason.POLICY
            : Reason.OTHER_PORT;
        telemetry.captured(reason);
        if (reason != Reason.OTHER_PORT) {
          log.debug("inbound: refused {}'s connection to port {} ({})", ctx.channel().remoteAddress(),
              destination.get().getPort(), reason.label());
          ctx.close();
          return;
        }
        Passthrough.takeOver(ctx, destination.get(), Unpooled.EMPTY_BUFFER, false, telemetry);
      }
    };
  }

  @Override
  public void close() {
    inboundSide.close();
  }
}
