package dev.fulcrum.dataplane.identity;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.security.cert.CertificateException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/** The TLS of the proxy's own listening side, from its identity (grpc-xds does the outbound side's). */
public final class MeshTlsContexts {
  private MeshTlsContexts() {}

  /**
   * A server context presenting the current certificate and checking callers' against the
   * current anchors; {@code requireClientCertificate} false lets TLS callers without one in;
   * {@code refused} is told of each caller's certificate refused.
   */
  public static SslContext server(CertificateSource source, boolean requireClientCertificate,
      Consumer<CertificateException> refused) throws SSLException {
    return GrpcSslContexts.configure(SslContextBuilder.forServer(new MeshKeyManager(source)))
        .trustManager(new MeshTrustManager(source, refused))
        .clientAuth(requireClientCertificate ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
        .build();
  }
}
