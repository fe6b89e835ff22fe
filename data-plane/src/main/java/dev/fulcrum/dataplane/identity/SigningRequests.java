package dev.fulcrum.dataplane.identity;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The workload's side of being certified: a fresh ECDSA P-256 key, kept in memory, and a PKCS#10
 * request for it (BouncyCastle writes it: the JDK cannot). The request names no SAN: the identity
 * asked for travels beside it, and the CA writes the SPIFFE ID, in its own trust domain, into the
 * certificate; so a workload need not know the trust domain.
 */
final class SigningRequests {
  private SigningRequests() {}

  static KeyPair newKey() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  /** The DER request for {@code key}, signed with it (which proves the caller holds it). */
  static byte[] request(KeyPair key) throws GeneralSecurityException {
    try {
      return new JcaPKCS10CertificationRequestBuilder(new X500Principal(""), key.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()))
          .getEncoded();
    } catch (IOException | OperatorCreationException e) {
      throw new GeneralSecurityException("could not write a certificate signing request", e);
    }
  }
}
