package dev.fulcrum.dataplane.capture;

import dev.fulcrum.contract.capture.OpaquePorts;
import dev.fulcrum.dataplane.telemetry.OpaqueTcp;
import dev.fulcrum.dataplane.telemetry.OpaqueTcp.Reason;
import io.grpc.Attributes;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.socket.ChannelInputShutdownEvent;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The outbound port's first look at each connection, before grpc's server takes it. A connection
 * dialled to the proxy goes straight to gRPC, as always. One that iptables redirected (it has an
 * original destination, {@link OriginalDestination}) is balanced only if it is gRPC to a service
 * of the mesh ({@link MeshServices}); anything else {@link Passthrough passes through} to where it
 * was going:
 * <ul>
 *   <li>to an {@linkplain OpaquePorts opaque port}: at once, unread;
 *   <li>a client silent for {@link #CLIENT_SPEAKS_WITHIN}: the server may be the one to speak first
 *       (MySQL, SMTP), so it is not kept waiting longer;
 *   <li>a client whose first bytes are not HTTP/2's preface: at once;
 *   <li>HTTP/2 whose first request is not gRPC, or names no service of the mesh: once that
 *       request's headers are in. An HTTP/2 client sends them only once it has the server's
 *       SETTINGS, so the proxy sends an empty one as soon as the preface is in, and drops the
 *       client's acknowledgement of it before the bytes go on (the server that takes the
 *       connection sends its own). An HTTP/2 client has spoken first, so this wait has no
 *       timeout: a channel may connect long before its first call.
 * </ul>
 * A connection is decided by its first request: HTTP/2 clients open one connection per
 * destination, and later requests on a balanced one are balanced by their own {@code :authority}.
 *
 * <p>grpc starts negotiation with an event it sends down the pipeline (as in the inbound side's
 * {@code TlsOrPlaintext}): the detector keeps it until the connection is told apart, then either
 * hands it, and the bytes read so far, to grpc's plaintext negotiation, or empties the pipeline
 * for the passthrough. Captured connections' calls carry their {@link #ORIGINAL_DESTINATION}.
 */
public final class OutboundDetection implements InternalProtocolNegotiator.ProtocolNegotiator {
  /** How long a captured connection's client has to say its first bytes. */
  public static final Duration CLIENT_SPEAKS_WITHIN = Duration.ofSeconds(1);
  /** Where a captured call was going: a transport attribute of its calls. */
  public static final Attributes.Key<InetSocketAddress> ORIGINAL_DESTINATION =
      Attributes.Key.create("fulcrum.original-destination");

  private static final AsciiString GRPC_CONTENT_TYPE = AsciiString.of("application/grpc");
  private static final AsciiString CONTENT_TYPE = AsciiString.of("content-type");

  private final InternalProtocolNegotiator.ProtocolNegotiator plaintext = InternalProtocolNegotiators.serverPlaintext();
  private final MeshServices services;
  private final OpaquePorts opaquePorts;
  private final OpaqueTcp telemetry;
  private final Duration clientSpeaksWithin;
  private final Function<Channel, Optional<InetSocketAddress>> originalDestination;

  public OutboundDetection(MeshServices services, OpaquePorts opaquePorts, OpaqueTcp telemetry) {
    this(services, opaquePorts, telemetry, CLIENT_SPEAKS_WITHIN, OriginalDestination::of);
  }

  /** Tests say where connections were going, rather than have iptables redirect them. */
  OutboundDetection(MeshServices services, OpaquePorts opaquePorts, OpaqueTcp telemetry, Duration clientSpeaksWithin,
      Function<Channel, Optional<InetSocketAddress>> originalDestination) {
    this.services = services;
    this.opaquePorts = opaquePorts;
    this.telemetry = telemetry;
    this.clientSpeaksWithin = clientSpeaksWithin;
    this.originalDestination = originalDestination;
  }

  @Override
  public AsciiString scheme() {
    return plaintext.scheme();
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    return new Detector(grpcHandler);
  }

  @Override
  public void close() {
    plaintext.close();
  }

  /** {@code application/grpc}, alone or with {@code +codec} or {@code ;parameters}, as grpc's servers take it (not grpc-web). */
  private static boolean isGrpc(CharSequence contentType) {
    if (contentType == null || !AsciiString.of(contentType).toLowerCase().startsWith(GRPC_CONTENT_TYPE)) {
      return false;
    }
    if (contentType.length() == GRPC_CONTENT_TYPE.length()) {
      return true;
    }
    char next = contentType.charAt(GRPC_CONTENT_TYPE.length());
    return next == '+' || next == ';';
  }

  private final class Detector extends ChannelInboundHandlerAdapter {
    private final GrpcHttp2ConnectionHandler grpcHandler;
    private ProtocolNegotiationEvent negotiation;
    private InetSocketAddress original;
    private ByteBuf received;
    private ScheduledFuture<?> silence;
    private boolean settingsSent;
    private boolean decided;
    private boolean clientDone;

    Detector(GrpcHttp2ConnectionHandler grpcHandler) {
      this.grpcHandler = grpcHandler;
    }

    private void negotiate(ChannelHandlerContext ctx, Object event) throws Exception {
      if (negotiation != null || !(event instanceof ProtocolNegotiationEvent start)) {
        ctx.fireUserEventTriggered(event);
        return;
      }
      Optional<InetSocketAddress> destination = originalDestination.apply(ctx.channel());
      if (destination.isEmpty()) {
        toGrpc(ctx, start, null); // dialled to the proxy: a call from an application that knows it
        return;
      }
      negotiation = start;
      original = destination.get();
      received = ctx.alloc().buffer();
      // A client may send its request and its end at once (shutdown(SHUT_WR)): the end must wait
      // for the passthrough, not close the connection under it. grpc's connections go back to the default.
      ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
      if (opaquePorts.contains(original.getPort())) {
        passThrough(ctx, Reason.OPAQUE_PORT);
        return;
      }
      silence = ctx.executor().schedule(() -> passThrough(ctx, Reason.SILENT_CLIENT),
          clientSpeaksWithin.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof ChannelInputShutdownEvent && negotiation != null && !decided) {
        clientDone = true; // it has said all it will: nothing more to wait for
        passThrough(ctx, received.readableBytes() < ClientPreamble.PREFACE.length ? Reason.NOT_HTTP2 : Reason.UNREADABLE);
        return;
      }
      negotiate(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (decided || negotiation == null || !(msg instanceof ByteBuf bytes)) {
        ctx.fireChannelRead(msg);
        return;
      }
      received.writeBytes(bytes);
      bytes.release();
      ClientPreamble.Reading reading = ClientPreamble.read(received);
      switch (reading.stage()) {
        case UNDECIDED -> { }
        case NOT_HTTP2 -> passThrough(ctx, Reason.NOT_HTTP2);
        case UNREADABLE_HTTP2 -> passThrough(ctx, Reason.UNREADABLE);
        case HTTP2 -> {
          if (!settingsSent) {
            settingsSent = true;
            silence.cancel(false); // it spoke: HTTP/2, whose client speaks first
            ctx.writeAndFlush(Unpooled.wrappedBuffer(ClientPreamble.EMPTY_SETTINGS));
          }
          if (received.readableBytes() > ClientPreamble.MAX_BYTES) {
            withoutSettingsAck(reading.settingsAck());
            passThrough(ctx, Reason.UNREADABLE);
          }
        }
        case FIRST_REQUEST -> {
          withoutSettingsAck(reading.settingsAck());
          decide(ctx, reading.headers());
        }
      }
    }

    private void decide(ChannelHandlerContext ctx, Http2Headers request) {
      if (!isGrpc(request.get(CONTENT_TYPE))) {
        passThrough(ctx, Reason.HTTP2_NOT_GRPC);
      } else if (request.authority() == null
          || !services.serves(CapturedAuthority.service(request.authority().toString(), original))) {
        passThrough(ctx, Reason.NO_LINK);
      } else {
        decided = true;
        telemetry.captured(Reason.MESH_SERVICE);
        Attributes attributes = InternalProtocolNegotiationEvent.getAttributes(negotiation).toBuilder()
            .set(ORIGINAL_DESTINATION, original)
            .build();
        ByteBuf bytes = received;
        received = null;
        toGrpc(ctx, InternalProtocolNegotiationEvent.withAttributes(negotiation, attributes), bytes);
      }
    }

    /** Drops the client's acknowledgement of the proxy's SETTINGS, a 9-byte frame at {@code at}, if it came. */
    private void withoutSettingsAck(int at) {
      if (at < 0) {
        return;
      }
      ByteBuf rest = received.alloc().buffer(received.readableBytes() - 9);
      rest.writeBytes(received, received.readerIndex(), at);
      rest.writeBytes(received, received.readerIndex() + at + 9, received.readableBytes() - at - 9);
      received.release();
      received = rest;
    }

    /** Hands the connection to grpc's plaintext negotiation, then the bytes read so far, if any. */
    private void toGrpc(ChannelHandlerContext ctx, ProtocolNegotiationEvent event, ByteBuf bytes) {
      ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
      ctx.pipeline().addAfter(ctx.name(), null, plaintext.newHandler(grpcHandler));
      ctx.fireUserEventTriggered(event);
      if (bytes != null) {
        ctx.fireChannelRead(bytes);
      }
      ctx.pipeline().remove(this);
    }

    /** Empties the pipeline (this, and grpc's handlers after it) and passes the connection through. */
    private void passThrough(ChannelHandlerContext ctx, Reason reason) {
      if (decided || !ctx.channel().isActive()) {
        return;
      }
      decided = true;
      if (silence != null) {
        silence.cancel(false);
      }
      telemetry.captured(reason);
      ByteBuf bytes = received;
      received = null;
      Passthrough.takeOver(ctx, original, bytes, clientDone, telemetry);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      if (silence != null) {
        silence.cancel(false);
      }
      if (received != null) {
        ReferenceCountUtil.release(received);
        received = null;
      }
    }
  }
}
