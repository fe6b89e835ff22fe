package dev.fulcrum.dataplane.inbound;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.dataplane.identity.CertificateSource;
import dev.fulcrum.dataplane.identity.MeshTlsContexts;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;

/**
 * The inbound side's credentials. Strict: TLS only, with a mesh certificate; a plaintext caller's
 * bytes fail the handshake, so nothing reaches the application. Permissive: each connection is
 * looked at first ({@link TlsOrPlaintext}): mTLS callers shake hands, others go on in plaintext.
 */
public final class InboundCredentials {
  private InboundCredentials() {}

  /** Connections refused at the handshake or before it, for the metrics. */
  public static final class Refusals {
    final AtomicLong plaintext = new AtomicLong();

    public long plaintext() {
      return plaintext.get();
    }
  }

  public static ServerCredentials create(CertificateSource source, InboundTls mode, Refusals refusals) {
    SslContext tls;
    try {
      tls = MeshTlsContexts.server(source, mode == InboundTls.STRICT);
    } catch (SSLException e) {
      throw new IllegalStateException("the inbound side's TLS cannot be set up: " + e.getMessage(), e);
    }
    return InternalNettyServerCredentials.create(new TlsOrPlaintext(
        InternalProtocolNegotiators.serverTls(tls),
        mode == InboundTls.PERMISSIVE ? InternalProtocolNegotiators.serverPlaintext() : null,
        refusals));
  }
}
