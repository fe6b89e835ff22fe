package dev.fulcrum.dataplane.inbound;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.dataplane.identity.CertificateSource;
import dev.fulcrum.dataplane.identity.MeshTlsContexts;
import dev.fulcrum.dataplane.identity.TlsFailure;
import dev.fulcrum.dataplane.telemetry.Direction;
import dev.fulcrum.dataplane.telemetry.ProxyTelemetry;
import dev.fulcrum.dataplane.telemetry.RepeatedWarnings;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.security.cert.CertificateException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound side's credentials. Strict: TLS only, with a mesh certificate; a plaintext caller's
 * bytes fail the handshake, so nothing reaches the application. Permissive: each connection is
 * looked at first ({@link TlsOrPlaintext}): mTLS callers shake hands, others go on in plaintext.
 */
public final class InboundCredentials {
  private static final Logger log = LoggerFactory.getLogger(InboundCredentials.class);

  private InboundCredentials() {}

  /**
   * Connections refused at the handshake or before it, for the metrics: plaintext ones (strict),
   * counted here; callers' certificates, counted by the telemetry by why
   * ({@code fulcrum_tls_failures_total{direction="inbound"}}) and logged, the first of each reason
   * and every hundredth ({@link RepeatedWarnings}), so that a misconfigured caller does not flood the log.
   */
  public static final class Refusals {
    final AtomicLong plaintext = new AtomicLong();
    private final ProxyTelemetry telemetry;
    private final Map<TlsFailure.Reason, AtomicLong> certificates = new EnumMap<>(TlsFailure.Reason.class);

    public Refusals(ProxyTelemetry telemetry) {
      this.telemetry = telemetry;
      for (TlsFailure.Reason reason : TlsFailure.Reason.values()) {
        certificates.put(reason, new AtomicLong());
      }
    }

    public long plaintext() {
      return plaintext.get();
    }

    void certificate(CertificateException refusal) {
      TlsFailure failure = Objects.requireNonNullElse(TlsFailure.in(refusal), new TlsFailure(TlsFailure.Reason.OTHER, refusal));
      telemetry.tlsFailed(Direction.INBOUND, failure.reason());
      long count = certificates.get(failure.reason()).incrementAndGet();
      if (RepeatedWarnings.logs(count)) {
        log.warn("inbound: refused a caller's certificate: {} (refusal {} of this kind; the first and every {}th are"
            + " logged)", failure.problem(), count, RepeatedWarnings.EVERY);
      }
    }
  }

  /** The inbound side's negotiation: TLS or, when permissive, plaintext too ({@link TlsOrPlaintext}). */
  public static InternalProtocolNegotiator.ProtocolNegotiator negotiator(CertificateSource source, InboundTls mode,
      Refusals refusals) {
    SslContext tls;
    try {
      tls = MeshTlsContexts.server(source, mode == InboundTls.STRICT, refusals::certificate);
    } catch (SSLException e) {
      throw new IllegalStateException("the inbound side's TLS cannot be set up: " + e.getMessage(), e);
    }
    return new TlsOrPlaintext(
        InternalProtocolNegotiators.serverTls(tls),
        mode == InboundTls.PERMISSIVE ? InternalProtocolNegotiators.serverPlaintext() : null,
        refusals);
  }
}
