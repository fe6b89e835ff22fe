package dev.fulcrum.controlplane.identity;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * A CA's files in its directory, PEM as openssl and cert-manager write them: {@code ca.crt} and
 * {@code ca.key} (the trust anchor), {@code issuer.crt} and {@code issuer.key}. Keys are written
 * readable by the owner alone, each file complete before it takes its name.
 */
final class CaFiles {
  static final String ANCHOR_CERT = "ca.crt";
  static final String ANCHOR_KEY = "ca.key";
  static final String ISSUER_CERT = "issuer.crt";
  static final String ISSUER_KEY = "issuer.key";
  static final List<String> NAMES = List.of(ANCHOR_CERT, ANCHOR_KEY, ISSUER_CERT, ISSUER_KEY);

  record Loaded(X509Certificate anchor, X509Certificate issuer, PrivateKey issuerKey) {}

  private final Path dir;

  CaFiles(Path dir) {
    this.dir = dir;
  }

  boolean noneExist() {
    return NAMES.stream().noneMatch(name -> Files.exists(dir.resolve(name)));
  }

  void write(X509Certificate anchor, PrivateKey anchorKey, X509Certificate issuer, PrivateKey issuerKey)
      throws IOException {
    Files.createDirectories(dir);
    writePem(ANCHOR_CERT, anchor, false);
    writePem(ANCHOR_KEY, anchorKey, true);
    writePem(ISSUER_CERT, issuer, false);
    writePem(ISSUER_KEY, issuerKey, true);
  }

  /** Reads all four; a missing, unreadable or mismatched file is an error naming it. */
  Loaded read() throws IOException, GeneralSecurityException {
    List<String> missing = NAMES.stream().filter(name -> !Files.exists(dir.resolve(name))).toList();
    if (!missing.isEmpty()) {
      throw new IOException(dir + " lacks " + missing + " of the CA's " + NAMES + ": restore them, or empty the directory");
    }
    X509Certificate anchor = certificate(ANCHOR_CERT);
    X509Certificate issuer = certificate(ISSUER_CERT);
    PrivateKey issuerKey = key(ISSUER_KEY);
    try {
      issuer.verify(anchor.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(dir.resolve(ISSUER_CERT) + " is not signed by " + dir.resolve(ANCHOR_CERT), e);
    }
    if (!matches(issuerKey, issuer)) {
      throw new GeneralSecurityException(dir.resolve(ISSUER_KEY) + " is not the key of " + dir.resolve(ISSUER_CERT));
    }
    key(ANCHOR_KEY); // readable too, for re-issuing the issuer
    return new Loaded(anchor, issuer, issuerKey);
  }

  /** Whether {@code key} signs what {@code certificate}'s public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
    byte[] challenge = "fulcrum".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(challenge);
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(challenge);
    try {
      return verifier.verify(signer.sign());
    } catch (java.security.SignatureException e) {
      return false;
    }
  }

  private Object pem(String name) throws IOException {
    Path file = dir.resolve(name);
    try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
      Object object = parser.readObject();
      if (object == null) {
        throw new IOException(file + " holds no PEM block");
      }
      return object;
    }
  }

  private X509Certificate certificate(String name) throws IOException, GeneralSecurityException {
    if (!(pem(name) instanceof X509CertificateHolder holder)) {
      throw new IOException(dir.resolve(name) + " is not a PEM certificate");
    }
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  /** PKCS #8 ({@code PRIVATE KEY}, as written here) or SEC 1 ({@code EC PRIVATE KEY}, openssl's and cert-manager's). */
  private PrivateKey key(String name) throws IOException {
    Object pem = pem(name);
    if (pem instanceof PrivateKeyInfo pkcs8) {
      return new JcaPEMKeyConverter().getPrivateKey(pkcs8);
    }
    if (pem instanceof PEMKeyPair pair) {
      return new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
    }
    throw new IOException(dir.resolve(name) + " is not a PEM private key");
  }

  private void writePem(String name, Object object, boolean secret) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      if (object instanceof PrivateKey key) {
        writer.writeObject(new JcaPKCS8Generator(key, null));
      } else {
        writer.writeObject(object);
      }
    }
    Path next = Files.createTempFile(dir, name, ".next");
    if (secret) {
      Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
    }
    Files.writeString(next, text.toString());
    Files.move(next, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
