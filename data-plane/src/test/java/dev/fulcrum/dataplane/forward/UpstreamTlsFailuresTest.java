package dev.fulcrum.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.identity.TlsFailure;
import dev.fulcrum.dataplane.telemetry.ProxyTelemetry;
import dev.fulcrum.dataplane.telemetry.RepeatedWarnings;
import dev.fulcrum.dataplane.telemetry.Tracing;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * A backend's bad certificate, checked by the JDK's own PKIX trust manager as grpc's TLS does, and
 * the handshake failure it makes reported the way grpc reports it (UNAVAILABLE, the reason only in
 * the cause): the caller is told the reason, and it is counted by it.
 */
class UpstreamTlsFailuresTest {
  private static final String SERVICE = "echo.default.svc.cluster.local:7001";
  private static final Duration HOUR = Duration.ofHours(1);

  private final ProxyTelemetry telemetry =
      new ProxyTelemetry(new Tracing(null, "test", 1.0), ProxyConfig.local(0, "cp:18000", Optional.empty(), "test"));
  private final UpstreamTlsFailures failures = new UpstreamTlsFailures(telemetry);
  private final Issuer mesh = new Issuer("mesh anchor");

  /** A CA: a self-signed anchor that issues leaf certificates naming a SPIFFE ID. */
  private static final class Issuer {
    final KeyPair key = newKey();
    final X500Name name;
    final X509Certificate anchor;

    Issuer(String name) {
      this.name = new X500Name("CN=" + name);
      this.anchor = sign(this.name, key, Instant.now().minus(HOUR), Instant.now().plus(HOUR), this.name, key, true);
    }

    X509Certificate leaf(Instant notBefore, Instant notAfter) {
      return sign(name, key, notBefore, notAfter, new X500Name("CN=echo"), newKey(), false);
    }
  }

  private static KeyPair newKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static X509Certificate sign(X500Name issuer, KeyPair issuerKey, Instant notBefore, Instant notAfter,
      X500Name subject, KeyPair subjectKey, boolean ca) {
    try {
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()),
          Date.from(notBefore), Date.from(notAfter), subject, subjectKey.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (!ca) {
        builder.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(
            new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://cluster.local/ns/default/sa/echo")));
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * What grpc hands the proxy when the mesh's trust manager refuses {@code leaf}: the JDK's
   * SSLHandshakeException with the trust manager's CertificateException as its cause, in an
   * UNAVAILABLE status that says no more than "io exception".
   */
  private Status handshakeWith(X509Certificate leaf) throws Exception {
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    anchors.load(null, null);
    anchors.setCertificateEntry("anchor", mesh.anchor);
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(anchors);
    X509TrustManager pkix = (X509TrustManager) factory.getTrustManagers()[0];
    CertificateException refused = assertThrows(CertificateException.class,
        () -> pkix.checkServerTrusted(new X509Certificate[] {leaf}, "ECDHE_ECDSA"));
    return refusedWith(refused);
  }

  private static Status refusedWith(Throwable refused) {
    SSLHandshakeException handshake = new SSLHandshakeException(refused.toString());
    handshake.initCause(refused);
    return Status.UNAVAILABLE.withDescription("io exception").withCause(handshake);
  }

  private double counted(TlsFailure.Reason reason) {
    Counter counter = telemetry.registry().find("fulcrum.tls.failures")
        .tags("direction", "outbound", "reason", reason.label()).counter();
    return counter == null ? 0 : counter.count();
  }

  /** Asserts the caller is told {@code problem}, the cause kept, and the failure counted once as {@code reason}. */
  private void assertToldAndCounted(Status fromGrpc, TlsFailure.Reason reason, String problem) {
    Status told = failures.forCaller(SERVICE, fromGrpc);
    assertEquals(Status.Code.UNAVAILABLE, told.getCode(), told.toString());
    assertTrue(told.getDescription().startsWith("mTLS with the backend failed: " + problem), told.getDescription());
    assertSame(fromGrpc.getCause(), told.getCause());
    // As the caller sees it, once the status crossed the wire as an exception.
    assertEquals(told.getDescription(), new StatusRuntimeException(told).getStatus().getDescription());
    for (TlsFailure.Reason each : TlsFailure.Reason.values()) {
      assertEquals(each == reason ? 1 : 0, counted(each), each.label());
    }
    assertTrue(telemetry.registry().scrape().lines().anyMatch(line ->
        line.equals("fulcrum_tls_failures_total{direction=\"outbound\",reason=\"" + reason.label() + "\"} 1.0")),
        telemetry.registry().scrape());
  }

  @Test
  void anExpiredCertificate() throws Exception {
    Status fromGrpc = handshakeWith(mesh.leaf(Instant.now().minus(Duration.ofHours(2)), Instant.now().minus(HOUR)));
    assertToldAndCounted(fromGrpc, TlsFailure.Reason.EXPIRED, "its certificate has expired");
  }

  @Test
  void aCertificateNotYetValid() throws Exception {
    Status fromGrpc = handshakeWith(mesh.leaf(Instant.now().plus(HOUR), Instant.now().plus(Duration.ofHours(2))));
    assertToldAndCounted(fromGrpc, TlsFailure.Reason.NOT_YET_VALID, "its certificate is not yet valid");
  }

  @Test
  void aCertificateFromAnotherCa() throws Exception {
    Issuer stranger = new Issuer("another anchor");
    Status fromGrpc = handshakeWith(stranger.leaf(Instant.now().minus(HOUR), Instant.now().plus(HOUR)));
    assertToldAndCounted(fromGrpc, TlsFailure.Reason.UNTRUSTED, "its certificate is not signed by a trust anchor of this mesh");
  }

  @Test
  void aCertificateFromAnotherCaOfTheSameName() throws Exception {
    // Its issuer's name is the anchor's: the path is built, and its signature fails.
    Issuer impostor = new Issuer("mesh anchor");
    Status fromGrpc = handshakeWith(impostor.leaf(Instant.now().minus(HOUR), Instant.now().plus(HOUR)));
    assertToldAndCounted(fromGrpc, TlsFailure.Reason.UNTRUSTED, "its certificate is not signed by a trust anchor of this mesh");
  }

  @Test
  void aCertificateOfAnotherIdentity() {
    // grpc-xds's trust manager, once the chain checks out, matches the SANs the cluster expects.
    Status fromGrpc = refusedWith(new CertificateException("Peer certificate SAN check failed"));
    assertToldAndCounted(fromGrpc, TlsFailure.Reason.WRONG_IDENTITY,
        "its certificate does not prove the expected identity (Peer certificate SAN check failed)");
  }

  @Test
  void anyOtherHandshakeFailureWithItsMessage() {
    Status fromGrpc = Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new IOException(new SSLHandshakeException("Received fatal alert: handshake_failure")));
    assertToldAndCounted(fromGrpc, TlsFailure.Reason.OTHER,
        "the TLS handshake failed (Received fatal alert: handshake_failure)");
  }

  @Test
  void otherStatusesPassUnchangedAndUncounted() throws Exception {
    Status refusedConnection = Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new IOException("Connection refused"));
    Status noCause = Status.UNAVAILABLE.withDescription("no healthy upstream");
    Status notUnavailable = Status.INTERNAL.withCause(
        handshakeWith(mesh.leaf(Instant.now().minus(Duration.ofHours(2)), Instant.now().minus(HOUR))).getCause());
    for (Status status : new Status[] {refusedConnection, noCause, notUnavailable, Status.OK}) {
      assertSame(status, failures.forCaller(SERVICE, status));
    }
    for (TlsFailure.Reason reason : TlsFailure.Reason.values()) {
      assertEquals(0, counted(reason), reason.label());
    }
  }

  @Test
  void theFirstFailureOfAServiceAndReasonIsLoggedThenEveryHundredth() {
    int logged = 0;
    for (int i = 0; i < 2 * RepeatedWarnings.EVERY + 1; i++) {
      logged += RepeatedWarnings.logs(failures.occurrence(SERVICE, TlsFailure.Reason.EXPIRED)) ? 1 : 0;
    }
    assertEquals(3, logged);
    // Another reason, or another service, is its own first.
    assertTrue(RepeatedWarnings.logs(failures.occurrence(SERVICE, TlsFailure.Reason.UNTRUSTED)));
    assertTrue(RepeatedWarnings.logs(failures.occurrence("other:1", TlsFailure.Reason.EXPIRED)));
    assertFalse(RepeatedWarnings.logs(failures.occurrence("other:1", TlsFailure.Reason.EXPIRED)));
  }

  @Test
  void servicesBeyondTheCapShareOneCount() {
    for (int i = 0; i < UpstreamTlsFailures.MAX_COUNTED; i++) {
      failures.occurrence("svc-" + i, TlsFailure.Reason.OTHER);
    }
    assertTrue(RepeatedWarnings.logs(failures.occurrence("beyond-a", TlsFailure.Reason.OTHER)));
    assertFalse(RepeatedWarnings.logs(failures.occurrence("beyond-b", TlsFailure.Reason.OTHER)));
  }
}
