package dev.fulcrum.dataplane.inbound;

import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.ByteToMessageDecoder;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells TLS from plaintext on one port by the connection's first byte (22, a TLS handshake
 * record; an h2c client starts with "PRI * HTTP/2.0") and hands the connection to grpc's TLS or
 * plaintext negotiation. Clients speak first in both, so nothing waits on the server. Without a
 * plaintext negotiator (strict), every connection goes to TLS, and a plaintext one fails there.
 *
 * <p>grpc starts negotiation with an event it sends down the pipeline; the sniffer keeps it until
 * the first byte, adds the chosen negotiator's handler after itself, hands it the event (it may
 * add handlers before itself, such as TLS's SslHandler, which then sit after the sniffer), and
 * removes itself, its bytes going on to whatever now follows it.
 */
final class TlsOrPlaintext implements InternalProtocolNegotiator.ProtocolNegotiator {
  private static final Logger log = LoggerFactory.getLogger(TlsOrPlaintext.class);
  private static final int TLS_HANDSHAKE_RECORD = 22;

  private final InternalProtocolNegotiator.ProtocolNegotiator tls;
  /** Null when only TLS is accepted. */
  private final InternalProtocolNegotiator.ProtocolNegotiator plaintext;
  private final InboundCredentials.Refusals refusals;

  TlsOrPlaintext(InternalProtocolNegotiator.ProtocolNegotiator tls, InternalProtocolNegotiator.ProtocolNegotiator plaintext,
      InboundCredentials.Refusals refusals) {
    this.tls = tls;
    this.plaintext = plaintext;
    this.refusals = refusals;
  }

  @Override
  public AsciiString scheme() {
    return tls.scheme();
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    return new Sniffer(grpcHandler, plaintext == null);
  }

  @Override
  public void close() {
    tls.close();
    if (plaintext != null) {
      plaintext.close();
    }
  }

  private final class Sniffer extends ByteToMessageDecoder {
    private final GrpcHttp2ConnectionHandler grpcHandler;
    private final boolean tlsOnly;
    private Object negotiation;

    Sniffer(GrpcHttp2ConnectionHandler grpcHandler, boolean tlsOnly) {
      this.grpcHandler = grpcHandler;
      this.tlsOnly = tlsOnly;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (negotiation == null && event.getClass() == InternalProtocolNegotiationEvent.getDefault().getClass()) {
        negotiation = event; // handed on once the protocol is known
        return;
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (!in.isReadable() || negotiation == null) {
        return;
      }
      boolean isTls = in.getUnsignedByte(in.readerIndex()) == TLS_HANDSHAKE_RECORD;
      if (!isTls && tlsOnly) {
        refusals.plaintext.incrementAndGet();
        log.debug("inbound: refused a plaintext connection from {} (strict)", ctx.channel().remoteAddress());
        // Strict: grpc's TLS handshake fails on these bytes and closes the connection.
      }
      ChannelHandler chosen = (isTls || tlsOnly ? tls : plaintext).newHandler(grpcHandler);
      ctx.pipeline().addAfter(ctx.name(), null, chosen);
      ctx.fireUserEventTriggered(negotiation);
      ctx.pipeline().remove(this);
    }
  }
}
