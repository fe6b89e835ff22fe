package dev.fulcrum.controlplane.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.injection.SelfSigned;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final SpiffeId ECHO = SpiffeId.ofWorkload("default/echo-v1", SpiffeId.DEFAULT_TRUST_DOMAIN);

  @TempDir
  Path dir;

  private CertificateAuthority ca() throws Exception {
    return CertificateAuthority.inDirectory(dir, SpiffeId.DEFAULT_TRUST_DOMAIN, CLOCK);
  }

  /** What a peer does with a presented chain: PKIX from the anchor, at {@code when}. */
  private static void validate(List<X509Certificate> chain, X509Certificate anchor, Instant when) throws Exception {
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    parameters.setRevocationEnabled(false);
    parameters.setDate(Date.from(when));
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
  }

  @Test
  void madeAtFirstStartAndTheSameAfterARestart() throws Exception {
    CertificateAuthority first = ca();
    for (String name : CaFiles.NAMES) {
      assertTrue(Files.exists(dir.resolve(name)), name);
    }
    assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(dir.resolve(CaFiles.ISSUER_KEY)));
    assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(dir.resolve(CaFiles.ANCHOR_KEY)));
    CertificateAuthority again = ca();
    assertArrayEquals(first.trustAnchor().getEncoded(), again.trustAnchor().getEncoded());
    // What the first one issued, the second one's anchor trusts, and the other way round.
    KeyPair workload = CertificateAuthority.newKeyPair();
    validate(first.issue(workload.getPublic(), ECHO, Duration.ofHours(24)), again.trustAnchor(), NOW);
    validate(again.issue(workload.getPublic(), ECHO, Duration.ofHours(24)), first.trustAnchor(), NOW);
  }

  @Test
  void aWorkloadCertificateNamesItsIdentityAloneAndChainsToTheAnchor() throws Exception {
    CertificateAuthority ca = ca();
    KeyPair workload = CertificateAuthority.newKeyPair();
    List<X509Certificate> chain = ca.issue(workload.getPublic(), ECHO, Duration.ofHours(24));

    X509Certificate leaf = chain.get(0);
    assertEquals(workload.getPublic(), leaf.getPublicKey());
    assertEquals(List.of(List.of(6, "spiffe://cluster.local/ns/default/sa/echo-v1")),
        leaf.getSubjectAlternativeNames().stream().map(List::copyOf).toList());
    assertTrue(leaf.getCriticalExtensionOIDs().contains("2.5.29.17"), "the SAN is critical: the subject is empty");
    assertEquals(-1, leaf.getBasicConstraints(), "not a CA");
    assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage(), "server and client");
    assertEquals(NOW.plus(Duration.ofHours(24)), leaf.getNotAfter().toInstant());
    validate(chain, ca.trustAnchor(), NOW);
  }

  @Test
  void anExpiredCertificateOrAnotherCasIsNotTrusted() throws Exception {
    List<X509Certificate> chain = ca().issue(CertificateAuthority.newKeyPair().getPublic(), ECHO, Duration.ofHours(24));
    assertThrows(CertPathValidatorException.class, () -> validate(chain, ca().trustAnchor(), NOW.plus(Duration.ofHours(25))));
    CertificateAuthority other = CertificateAuthority.inDirectory(dir.resolve("other"), SpiffeId.DEFAULT_TRUST_DOMAIN, CLOCK);
    assertThrows(CertPathValidatorException.class, () -> validate(chain, other.trustAnchor(), NOW));
  }

  @Test
  void noCertificateOutlivesItsIssuer() throws Exception {
    CertificateAuthority ca = ca();
    X509Certificate leaf = ca.issue(CertificateAuthority.newKeyPair().getPublic(), ECHO, Duration.ofDays(10_000)).get(0);
    assertEquals(NOW.plus(CertificateAuthority.ISSUER_LIFETIME), leaf.getNotAfter().toInstant());
  }

  @Test
  void anIdentityOfAnotherTrustDomainIsRefused() throws Exception {
    SpiffeId elsewhere = SpiffeId.ofWorkload("default/echo-v1", "prod.example.com");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ca().issue(CertificateAuthority.newKeyPair().getPublic(), elsewhere, Duration.ofHours(1)));
    assertTrue(e.getMessage().contains("cluster.local"), e.getMessage());
  }

  @Test
  void halfACaIsAnErrorNamingWhatIsMissing() throws Exception {
    ca();
    Files.delete(dir.resolve(CaFiles.ISSUER_KEY));
    java.io.IOException e = assertThrows(java.io.IOException.class, this::ca);
    assertTrue(e.getMessage().contains("[issuer.key]"), e.getMessage());
  }

  @Test
  void filesThatDoNotBelongTogetherAreRefusedNamingThem() throws Exception {
    ca();
    byte[] ownIssuer = Files.readAllBytes(dir.resolve(CaFiles.ISSUER_CERT));
    Path elsewhere = dir.resolve("other");
    CertificateAuthority.inDirectory(elsewhere, SpiffeId.DEFAULT_TRUST_DOMAIN, CLOCK);
    // Another CA's issuer beside this anchor: not signed by it.
    Files.copy(elsewhere.resolve(CaFiles.ISSUER_CERT), dir.resolve(CaFiles.ISSUER_CERT), StandardCopyOption.REPLACE_EXISTING);
    GeneralSecurityException notSigned = assertThrows(GeneralSecurityException.class, this::ca);
    assertTrue(notSigned.getMessage().contains("issuer.crt is not signed by"), notSigned.getMessage());
    // This CA's issuer again, with another CA's key.
    Files.write(dir.resolve(CaFiles.ISSUER_CERT), ownIssuer);
    Files.copy(elsewhere.resolve(CaFiles.ISSUER_KEY), dir.resolve(CaFiles.ISSUER_KEY), StandardCopyOption.REPLACE_EXISTING);
    GeneralSecurityException wrongKey = assertThrows(GeneralSecurityException.class, this::ca);
    assertTrue(wrongKey.getMessage().contains("issuer.key is not the key of"), wrongKey.getMessage());
  }

  @Test
  void aKeyInOpensslsEcFormatIsRead() throws Exception {
    // cert-manager and `openssl ecparam -genkey` write SEC 1 ("EC PRIVATE KEY"), not PKCS #8. A key
    // read is then compared with its certificate: the mismatch error shows it was parsed.
    ca();
    Path key = dir.resolve(CaFiles.ISSUER_KEY);
    SelfSigned.run(List.of("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString()));
    assertTrue(Files.readString(key).startsWith("-----BEGIN EC PRIVATE KEY-----"), Files.readString(key));
    GeneralSecurityException e = assertThrows(GeneralSecurityException.class, this::ca);
    assertTrue(e.getMessage().contains("issuer.key is not the key of"), e.getMessage());
  }

  @Test
  void aFileThatIsNotPemIsNamed() throws Exception {
    ca();
    Files.writeString(dir.resolve(CaFiles.ANCHOR_CERT), "not a certificate\n");
    java.io.IOException e = assertThrows(java.io.IOException.class, this::ca);
    assertTrue(e.getMessage().contains("ca.crt"), e.getMessage());
  }
}
