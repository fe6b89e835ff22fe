package dev.fulcrum.controlplane.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PEM files as openssl and cert-manager write them, read and written for the control plane's TLS
 * (the webhook's certificate, the mesh's CA). Certificates: one or more {@code CERTIFICATE} blocks.
 * Keys: PKCS#8 ({@code BEGIN PRIVATE KEY}: what {@code openssl req -nodes} and {@code openssl
 * genpkey} write), RSA, EC or EdDSA; PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}: cert-manager's
 * default for RSA); SEC 1 EC ({@code BEGIN EC PRIVATE KEY}: cert-manager's for ECDSA, and
 * {@code openssl ecparam -genkey}). Each error is one line naming the file.
 */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private PemFiles() {}

  /**
   * Whether the certificate is the key's: a mismatch would otherwise surface only as every
   * handshake failing, seen by the API server, not here.
   */
  public static boolean belongTogether(PrivateKey key, Certificate certificate) {
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

  /** Throws {@link IllegalStateException} naming the file when it holds no certificate. */
  public static List<Certificate> certificates(Path file) {
    return certificates(file.toString(), read(file));
  }

  /** The certificates in {@code pem}; {@code source} names it in errors (a file, a Secret's key). */
  public static List<Certificate> certificates(String source, String pem) {
    try (ByteArrayInputStream in = new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))) {
      List<Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (chain.isEmpty()) {
        throw new IllegalStateException(source + ": no PEM certificate in it");
      }
      return chain;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(source + ": not a PEM certificate (" + e.getMessage() + ")");
    }
  }

  /** Throws {@link IllegalStateException} naming the file when it holds no key read here. */
  public static PrivateKey privateKey(Path file) {
    return privateKey(file.toString(), read(file));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException(file + ": cannot read it (" + e.getMessage() + ")");
    }
  }

  /** The key in {@code pem}; {@code source} names it in errors. */
  public static PrivateKey privateKey(String source, String pem) {
    Matcher block = BLOCK.matcher(pem);
    if (!block.find()) {
      throw new IllegalStateException(source + ": no PEM private key in it");
    }
    byte[] der = Base64.getMimeDecoder().decode(block.group(2));
    return switch (block.group(1)) {
      case "PRIVATE KEY" -> pkcs8(source, der);
      case "RSA PRIVATE KEY" -> pkcs8(source, rsaPkcs8(der));
      case "EC PRIVATE KEY" -> sec1(source, block.group());
      default -> throw new IllegalStateException(source + ": a " + block.group(1)
          + ", not an unencrypted PKCS#8 key; convert it with openssl pkcs8 -topk8 -nocrypt");
    };
  }

  private static PrivateKey pkcs8(String file, byte[] der) {
    for (String algorithm : List.of("RSA", "EC", "EdDSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // the next algorithm
      }
    }
    throw new IllegalStateException(file + ": not an RSA, EC or EdDSA private key");
  }

  /** SEC 1 names its curve inside the key, where the JDK does not look: BouncyCastle reads it. */
  private static PrivateKey sec1(String file, String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      if (parser.readObject() instanceof PEMKeyPair pair) {
        return new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
      }
    } catch (IOException e) {
      throw new IllegalStateException(file + ": not an EC private key (" + e.getMessage() + ")");
    }
    throw new IllegalStateException(file + ": not an EC private key");
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
