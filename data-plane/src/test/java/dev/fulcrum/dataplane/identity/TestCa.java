package dev.fulcrum.dataplane.identity;

import com.google.protobuf.ByteString;
import dev.fulcrum.contract.identity.CertifyRequest;
import dev.fulcrum.contract.identity.CertifyResponse;
import dev.fulcrum.contract.identity.IdentityGrpc;
import dev.fulcrum.contract.identity.SpiffeId;
import io.grpc.BindableService;
import io.grpc.ChannelCredentials;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettySslContextChannelCredentials;
import io.grpc.stub.StreamObserver;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A mesh CA for tests: an ECDSA P-256 anchor that issues workload certificates as the control
 * plane's does (the SPIFFE ID as the one URI SAN, for client and server use), through an identity
 * service a proxy can be certified by, or directly for a test's callers.
 */
public final class TestCa {
  private static final Duration LIFE = Duration.ofHours(1);
  private final KeyPair key;
  private final X509Certificate anchor;
  private final AtomicLong serials = new AtomicLong(1);

  public TestCa() throws GeneralSecurityException {
    key = SigningRequests.newKey();
    try {
      X500Name name = new X500Name("CN=fulcrum test CA");
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(serials.getAndIncrement()),
          Date.from(Instant.now().minus(Duration.ofMinutes(1))), Date.from(Instant.now().plus(LIFE)), name, key.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      anchor = sign(builder);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  public X509Certificate anchor() {
    return anchor;
  }

  /** A certificate for {@code publicKey} naming {@code id}. */
  public X509Certificate issue(PublicKey publicKey, SpiffeId id) throws GeneralSecurityException {
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=fulcrum test CA"),
          BigInteger.valueOf(serials.getAndIncrement()), Date.from(Instant.now().minus(Duration.ofMinutes(1))),
          Date.from(Instant.now().plus(LIFE)), new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), publicKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, true,
              new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString())));
      return sign(builder);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private X509Certificate sign(X509v3CertificateBuilder builder) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** A new key and its certificate for {@code workload} (NAMESPACE/SERVICEACCOUNT), as a test's caller holds them. */
  public WorkloadCertificate workload(String workload) throws GeneralSecurityException {
    SpiffeId id = SpiffeId.ofWorkload(workload, SpiffeId.DEFAULT_TRUST_DOMAIN);
    KeyPair pair = SigningRequests.newKey();
    return new WorkloadCertificate(id, pair.getPrivate(), List.of(issue(pair.getPublic(), id)), List.of(anchor));
  }

  /** mTLS to a mesh server as {@code certificate}'s holder, checking the server as a proxy does. */
  public static ChannelCredentials client(WorkloadCertificate certificate) throws SSLException {
    CertificateSource source = fixed(certificate);
    return NettySslContextChannelCredentials.create(GrpcSslContexts.forClient()
        .keyManager(new MeshKeyManager(source))
        .trustManager(new MeshTrustManager(source, refused -> {}))
        .build());
  }

  private static CertificateSource fixed(WorkloadCertificate certificate) {
    return new CertificateSource() {
      @Override
      public WorkloadCertificate current() {
        return certificate;
      }

      @Override
      public void onRenewed(Consumer<WorkloadCertificate> listener) {}
    };
  }

  /** The identity service of the control plane, for this CA: certifies whatever identity is asked for. */
  public BindableService identityService() {
    return new IdentityGrpc.IdentityImplBase() {
      @Override
      public void certify(CertifyRequest request, StreamObserver<CertifyResponse> response) {
        try {
          PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(request.getCertificateSigningRequest().toByteArray());
          PublicKey publicKey = new JcaPKCS10CertificationRequest(csr).getPublicKey();
          X509Certificate leaf = issue(publicKey, SpiffeId.ofWorkload(request.getIdentity(), SpiffeId.DEFAULT_TRUST_DOMAIN));
          response.onNext(CertifyResponse.newBuilder()
              .setLeafCertificate(ByteString.copyFrom(leaf.getEncoded()))
              .addTrustAnchors(ByteString.copyFrom(anchor.getEncoded()))
              .build());
          response.onCompleted();
        } catch (Exception e) {
          response.onError(Status.INVALID_ARGUMENT.withDescription(e.toString()).asRuntimeException());
        }
      }
    };
  }
}
