package dev.fulcrum.controlplane.identity;

import dev.fulcrum.contract.identity.SpiffeId;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh's certificate authority: a trust anchor (a self-signed root every workload trusts) and
 * an issuer the anchor signed, which signs workload certificates. Two levels, as Linkerd's and
 * cert-manager's layouts have, so that the issuer can be re-issued while the anchor proxies trust
 * stays. Keys are ECDSA P-256, signatures SHA256withECDSA (BouncyCastle builds the certificates:
 * the JDK has no public API for it).
 *
 * <p>In file mode the CA lives in a directory ({@code --identity-dir}): made there at first start
 * and read back afterwards, so that certificates issued before a restart are still trusted.
 */
public final class CertificateAuthority {
  private static final Logger log = LoggerFactory.getLogger(CertificateAuthority.class);
  static final Duration ANCHOR_LIFETIME = Duration.ofDays(3650);
  static final Duration ISSUER_LIFETIME = Duration.ofDays(365);
  /** Allowance for peers whose clocks run a little behind the control plane's. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String trustDomain;
  private final List<X509Certificate> anchors;
  private final X509Certificate issuer;
  private final PrivateKey issuerKey;
  private final Clock clock;

  /**
   * A CA of {@code issuer} (and its key), whose workloads trust {@code anchors}: one, or several
   * while anchors rotate. The issuer must chain to one of them.
   */
  CertificateAuthority(String trustDomain, List<X509Certificate> anchors, X509Certificate issuer, PrivateKey issuerKey,
      Clock clock) {
    this.trustDomain = trustDomain;
    this.anchors = List.copyOf(anchors);
    this.issuer = issuer;
    this.issuerKey = issuerKey;
    this.clock = clock;
  }

  /**
   * The CA in {@code dir}: read if its files are there, made and written if none is. A directory
   * holding only some of them, or files that do not belong together, is an error naming them:
   * replacing half a CA would leave every certificate already issued untrusted.
   */
  public static CertificateAuthority inDirectory(Path dir, String trustDomain, Clock clock)
      throws IOException, GeneralSecurityException {
    CaFiles files = new CaFiles(dir);
    if (files.noneExist()) {
      Instant now = clock.instant();
      KeyPair anchorKeys = newKeyPair();
      X500Principal anchorName = new X500Principal("CN=root." + trustDomain + ", O=Fulcrum");
      X509Certificate anchor = sign(new JcaX509v3CertificateBuilder(anchorName, serial(), Date.from(now.minus(CLOCK_SKEW)),
          Date.from(now.plus(ANCHOR_LIFETIME)), anchorName, anchorKeys.getPublic()), anchorKeys.getPublic(),
          Role.AUTHORITY, anchorKeys.getPrivate(), anchorKeys.getPublic());
      KeyPair issuerKeys = newKeyPair();
      X509Certificate issuer = sign(new JcaX509v3CertificateBuilder(anchor, serial(), Date.from(now.minus(CLOCK_SKEW)),
          Date.from(now.plus(ISSUER_LIFETIME)), new X500Principal("CN=identity." + trustDomain + ", O=Fulcrum"),
          issuerKeys.getPublic()), issuerKeys.getPublic(), Role.AUTHORITY, anchorKeys.getPrivate(), anchorKeys.getPublic());
      files.write(anchor, anchorKeys.getPrivate(), issuer, issuerKeys.getPrivate());
      log.info("identity: made a trust anchor and an issuer for {} in {}", trustDomain, dir);
      return new CertificateAuthority(trustDomain, List.of(anchor), issuer, issuerKeys.getPrivate(), clock);
    }
    CaFiles.Loaded loaded = files.read();
    return new CertificateAuthority(trustDomain, List.of(loaded.anchor()), loaded.issuer(), loaded.issuerKey(), clock);
  }

  /** The first certificate every workload trusts. */
  public X509Certificate trustAnchor() {
    return anchors.get(0);
  }

  /** What workloads are told to trust: the anchor (more than one while anchors rotate). */
  public List<X509Certificate> trustAnchors() {
    return anchors;
  }

  /** The certificate that signs workloads' certificates. */
  public X509Certificate issuer() {
    return issuer;
  }

  public String trustDomain() {
    return trustDomain;
  }

  /**
   * A certificate for {@code key}, naming {@code id} as its only SAN, valid for {@code lifetime}
   * (never past the issuer's own end), then the issuer's: the chain a workload presents.
   */
  public List<X509Certificate> issue(PublicKey key, SpiffeId id, Duration lifetime) throws GeneralSecurityException {
    if (!id.trustDomain().equals(trustDomain)) {
      throw new IllegalArgumentException(id + " is not in this CA's trust domain " + trustDomain);
    }
    Instant now = clock.instant();
    Instant notAfter = now.plus(lifetime);
    if (notAfter.isAfter(issuer.getNotAfter().toInstant())) {
      notAfter = issuer.getNotAfter().toInstant();
    }
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(),
        Date.from(now.minus(CLOCK_SKEW)), Date.from(notAfter), new X500Principal(""), key);
    try {
      // An empty subject: the identity is the SAN alone, which must then be critical (RFC 5280).
      builder.addExtension(Extension.subjectAlternativeName, true,
          new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString())));
    } catch (CertIOException e) {
      throw new GeneralSecurityException("could not write the SAN " + id, e);
    }
    return List.of(sign(builder, key, Role.WORKLOAD, issuerKey, issuer.getPublicKey()), issuer);
  }

  private enum Role { AUTHORITY, WORKLOAD }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PublicKey subjectKey, Role role,
      PrivateKey signerKey, PublicKey signerPublicKey) throws GeneralSecurityException {
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey));
      builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(signerPublicKey));
      if (role == Role.AUTHORITY) {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        // Every workload is both: a client of the services it calls, a server to its callers.
        builder.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signerKey)));
    } catch (CertIOException | OperatorCreationException e) {
      throw new GeneralSecurityException("could not sign a certificate", e);
    }
  }

  static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE); // positive, and unguessable
  }
}
