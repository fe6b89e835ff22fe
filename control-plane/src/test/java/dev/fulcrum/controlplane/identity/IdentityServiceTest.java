package dev.fulcrum.controlplane.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fulcrum.contract.identity.CertifyRequest;
import dev.fulcrum.contract.identity.CertifyResponse;
import dev.fulcrum.contract.identity.IdentityGrpc;
import dev.fulcrum.contract.identity.SpiffeId;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity service over a real socket, as a proxy calls it. */
class IdentityServiceTest {
  @TempDir
  Path dir;

  private CertificateAuthority ca;
  private IdentityService service;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    ca = CertificateAuthority.inDirectory(dir, SpiffeId.DEFAULT_TRUST_DOMAIN, Clock.systemUTC());
    service = new IdentityService(() -> ca, new LocalCallers(), Duration.ofHours(1));
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(service.definition()).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private CertifyResponse certify(String identity, byte[] csr) {
    return IdentityGrpc.newBlockingStub(channel).certify(CertifyRequest.newBuilder()
        .setIdentity(identity).setCertificateSigningRequest(ByteString.copyFrom(csr)).build());
  }

  /** A CSR for {@code key}, signed by {@code signer}, asking for these URI and DNS SANs. */
  private static byte[] csr(KeyPair key, KeyPair signer, List<GeneralName> sans) throws Exception {
    JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Principal(""), key.getPublic());
    if (!sans.isEmpty()) {
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(sans.toArray(GeneralName[]::new)));
      builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
    }
    return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())).getEncoded();
  }

  private static X509Certificate certificate(ByteString der) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der.toByteArray()));
  }

  private static GeneralName uri(String value) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, value);
  }

  @Test
  void aLocalCallerGetsTheIdentityItAskedForChainedToTheAnchor() throws Exception {
    KeyPair key = CertificateAuthority.newKeyPair();
    CertifyResponse response = certify("default/echo-v1", csr(key, key, List.of(uri("spiffe://cluster.local/ns/default/sa/echo-v1"))));

    X509Certificate leaf = certificate(response.getLeafCertificate());
    assertEquals(key.getPublic(), leaf.getPublicKey());
    assertEquals(List.of(List.of(6, "spiffe://cluster.local/ns/default/sa/echo-v1")),
        leaf.getSubjectAlternativeNames().stream().map(List::copyOf).toList());
    assertEquals(leaf.getNotAfter().toInstant().getEpochSecond(), response.getValidUntil().getSeconds());
    Duration life = Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
    assertEquals(Duration.ofHours(1).plus(CertificateAuthority.CLOCK_SKEW), life);
    X509Certificate anchor = certificate(response.getTrustAnchors(0));
    assertEquals(ca.trustAnchor(), anchor);
    PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    pkix.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(
        List.of(leaf, certificate(response.getIntermediateCertificates(0)))), pkix);
    assertEquals(1, service.issued());
  }

  @Test
  void aCsrWithoutSansIsCertifiedForTheIdentityAskedFor() throws Exception {
    KeyPair key = CertificateAuthority.newKeyPair();
    X509Certificate leaf = certificate(certify("payments/api", csr(key, key, List.of())).getLeafCertificate());
    assertEquals(List.of(List.of(6, "spiffe://cluster.local/ns/payments/sa/api")),
        leaf.getSubjectAlternativeNames().stream().map(List::copyOf).toList());
  }

  private void assertRefused(Status.Code code, String because, String identity, byte[] csr) {
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> certify(identity, csr));
    assertEquals(code, refused.getStatus().getCode(), refused.getStatus().toString());
    assertTrue(refused.getStatus().getDescription().contains(because), refused.getStatus().getDescription());
  }

  @Test
  void aCsrAskingForMoreOrOtherThanItsIdentityIsRefused() throws Exception {
    KeyPair key = CertificateAuthority.newKeyPair();
    assertRefused(Status.Code.INVALID_ARGUMENT, "only spiffe://cluster.local/ns/default/sa/echo-v1 may be certified",
        "default/echo-v1", csr(key, key, List.of(uri("spiffe://cluster.local/ns/default/sa/echo-v1"),
            new GeneralName(GeneralName.dNSName, "bank.example.com"))));
    assertRefused(Status.Code.INVALID_ARGUMENT, "asks for the SAN spiffe://cluster.local/ns/kube-system/sa/admin",
        "default/echo-v1", csr(key, key, List.of(uri("spiffe://cluster.local/ns/kube-system/sa/admin"))));
    assertEquals(2, service.refused());
    assertEquals(0, service.issued());
  }

  @Test
  void aCsrThatDoesNotParseOrIsNotSignedByItsKeyIsRefused() throws Exception {
    assertRefused(Status.Code.INVALID_ARGUMENT, "is not PKCS#10 DER", "default/echo-v1", new byte[] {1, 2, 3});
    KeyPair key = CertificateAuthority.newKeyPair();
    KeyPair other = CertificateAuthority.newKeyPair();
    assertRefused(Status.Code.INVALID_ARGUMENT, "signature is not its key's", "default/echo-v1", csr(key, other, List.of()));
  }

  @Test
  void anIdentityThatIsNotNamespaceSlashAccountIsRefused() throws Exception {
    KeyPair key = CertificateAuthority.newKeyPair();
    assertRefused(Status.Code.INVALID_ARGUMENT, "identity: 'echo-v1' is not NAMESPACE/SERVICEACCOUNT", "echo-v1",
        csr(key, key, List.of()));
  }

  @Test
  void fileModeCertifiesLocalCallersOnly() {
    CertifyRequest request = CertifyRequest.getDefaultInstance();
    SpiffeId id = SpiffeId.ofWorkload("default/echo-v1", SpiffeId.DEFAULT_TRUST_DOMAIN);
    CallerCheck.Refused refused = assertThrows(CallerCheck.Refused.class,
        () -> new LocalCallers().check(request, id, new InetSocketAddress("192.0.2.7", 40000)));
    assertTrue(refused.getMessage().contains("192.0.2.7"), refused.getMessage());
  }
}
