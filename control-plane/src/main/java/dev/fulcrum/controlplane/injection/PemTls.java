package dev.fulcrum.controlplane.injection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server's TLS context from the PEM files of a Kubernetes TLS Secret ({@code tls.crt},
 * {@code tls.key}), with the JDK alone. Keys: PKCS#8 ({@code BEGIN PRIVATE KEY}: what
 * {@code openssl req -nodes} and {@code openssl genpkey} write), RSA, EC or EdDSA; and PKCS#1 RSA
 * ({@code BEGIN RSA PRIVATE KEY}: cert-manager's default encoding).
 */
public final class PemTls {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final char[] NO_PASSWORD = new char[0];

  private PemTls() {}

  /**
   * A server context presenting the certificate and key in these files, read again when they
   * change ({@link RenewedCertificate}). Throws {@link IllegalStateException} with one line naming
   * the file when they cannot be used.
   */
  public static SSLContext serverContext(Path certificate, Path privateKey) {
    return serverContext(new RenewedCertificate(certificate, privateKey, RenewedCertificate.CHECK_EVERY, System::nanoTime));
  }

  static SSLContext serverContext(X509ExtendedKeyManager keys) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keys}, null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS: " + e.getMessage());
    }
  }

  /** A certificate chain and its key under {@code alias}, and the certificate's subject, for logs. */
  record KeyPair(String alias, X509ExtendedKeyManager keys, String subject) {}

  /** Throws {@link IllegalStateException} with one line naming the file when it cannot be used. */
  static KeyPair keyPair(Path certificate, Path privateKey, String alias) {
    List<Certificate> chain = certificates(certificate);
    PrivateKey key = privateKey(privateKey);
    if (!belongTogether(key, chain.get(0))) {
      throw new IllegalStateException(privateKey + ": does not go with " + certificate + " (another key's certificate)");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(alias, key, NO_PASSWORD, chain.toArray(Certificate[]::new));
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, NO_PASSWORD);
      X509Certificate leaf = (X509Certificate) chain.get(0);
      return new KeyPair(alias, (X509ExtendedKeyManager) keys.getKeyManagers()[0],
          leaf.getSubjectX500Principal().getName() + ", valid until " + leaf.getNotAfter().toInstant());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(privateKey + ": does not go with " + certificate + " (" + e.getMessage() + ")");
    }
  }

  /**
   * Whether the certificate is the key's: a mismatch would otherwise surface only as every
   * handshake failing, seen by the API server, not here.
   */
  private static boolean belongTogether(PrivateKey key, Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // EdDSA, Ed25519, Ed448 sign as themselves
    };
    try {
      byte[] probe = "fulcrum".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an RSA key beside an EC certificate
    }
  }

  private static List<Certificate> certificates(Path file) {
    try (ByteArrayInputStream in = new ByteArrayInputStream(Files.readAllBytes(file))) {
      List<Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (chain.isEmpty()) {
        throw new IllegalStateException(file + ": no PEM certificate in it");
      }
      return chain;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(file + ": not a PEM certificate (" + e.getMessage() + ")");
    }
  }

  private static PrivateKey privateKey(Path file) {
    String pem;
    try {
      pem = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException(file + ": cannot read it (" + e.getMessage() + ")");
    }
    Matcher block = BLOCK.matcher(pem);
    if (!block.find()) {
      throw new IllegalStateException(file + ": no PEM private key in it");
    }
    byte[] der = Base64.getMimeDecoder().decode(block.group(2));
    return switch (block.group(1)) {
      case "PRIVATE KEY" -> pkcs8(file, der);
      case "RSA PRIVATE KEY" -> pkcs8(file, rsaPkcs8(der));
      default -> throw new IllegalStateException(file + ": a " + block.group(1)
          + ", not an unencrypted PKCS#8 key; convert it with openssl pkcs8 -topk8 -nocrypt");
    };
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    for (String algorithm : List.of("RSA", "EC", "EdDSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // the next algorithm
      }
    }
    throw new IllegalStateException(file + ": not an RSA, EC or EdDSA private key");
  }

  /**
   * A PKCS#1 RSA key wrapped as PKCS#8, which the JDK reads: SEQUENCE { version 0,
   * AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING { the PKCS#1 key } }.
   */
  static byte[] rsaPkcs8(byte[] pkcs1) {
    byte[] version = {0x02, 0x01, 0x00};
    byte[] rsaEncryption = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
        0x01, 0x01, 0x01, 0x05, 0x00};
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(version);
    body.writeBytes(rsaEncryption);
    body.writeBytes(der(0x04, pkcs1));
    return der(0x30, body.toByteArray());
  }

  /** One DER element: tag, definite length (short or long form), content. */
  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
        out.write(length >>> shift);
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
