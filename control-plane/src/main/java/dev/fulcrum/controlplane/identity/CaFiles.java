package dev.fulcrum.controlplane.identity;

import dev.fulcrum.contract.identity.Pem;
import dev.fulcrum.controlplane.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A CA's files in its directory, PEM as openssl and cert-manager write them ({@link PemFiles}):
 * {@code ca.crt} and {@code ca.key} (the trust anchor), {@code issuer.crt} and {@code issuer.key}.
 * Keys are written readable by the owner alone, each file complete before it takes its name.
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
    try {
      writePem(ANCHOR_CERT, Pem.block("CERTIFICATE", anchor.getEncoded()), false);
      writePem(ISSUER_CERT, Pem.block("CERTIFICATE", issuer.getEncoded()), false);
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException("a certificate just made does not encode", e);
    }
    writePem(ANCHOR_KEY, Pem.block("PRIVATE KEY", anchorKey.getEncoded()), true);
    writePem(ISSUER_KEY, Pem.block("PRIVATE KEY", issuerKey.getEncoded()), true);
  }

  /** Reads all four; a missing, unreadable or mismatched file is an error naming it. */
  Loaded read() throws IOException, GeneralSecurityException {
    List<String> missing = NAMES.stream().filter(name -> !Files.exists(dir.resolve(name))).toList();
    if (!missing.isEmpty()) {
      throw new IOException(dir + " lacks " + missing + " of the CA's " + NAMES + ": restore them, or empty the directory");
    }
    X509Certificate anchor;
    X509Certificate issuer;
    PrivateKey issuerKey;
    try {
      anchor = (X509Certificate) PemFiles.certificates(dir.resolve(ANCHOR_CERT)).get(0);
      issuer = (X509Certificate) PemFiles.certificates(dir.resolve(ISSUER_CERT)).get(0);
      issuerKey = PemFiles.privateKey(dir.resolve(ISSUER_KEY));
      PemFiles.privateKey(dir.resolve(ANCHOR_KEY)); // readable too, for re-issuing the issuer
    } catch (IllegalStateException e) {
      throw new IOException(e.getMessage(), e);
    }
    try {
      issuer.verify(anchor.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(dir.resolve(ISSUER_CERT) + " is not signed by " + dir.resolve(ANCHOR_CERT), e);
    }
    if (!PemFiles.belongTogether(issuerKey, issuer)) {
      throw new GeneralSecurityException(dir.resolve(ISSUER_KEY) + " is not the key of " + dir.resolve(ISSUER_CERT));
    }
    return new Loaded(anchor, issuer, issuerKey);
  }

  private void writePem(String name, String text, boolean secret) throws IOException {
    Path next = Files.createTempFile(dir, name, ".next");
    if (secret) {
      Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
    }
    Files.writeString(next, text);
    Files.move(next, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
