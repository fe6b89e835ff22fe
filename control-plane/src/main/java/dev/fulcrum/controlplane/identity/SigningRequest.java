package dev.fulcrum.controlplane.identity;

import dev.fulcrum.contract.identity.SpiffeId;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A workload's PKCS#10 certificate signing request, checked: it parses, its signature proves the
 * caller holds the key, and it asks for nothing beyond the identity being certified (its only SAN,
 * if any, is that SPIFFE ID). The certificate the CA writes takes only the key from it.
 */
final class SigningRequest {
  private SigningRequest() {}

  /** The key to certify for {@code id}; a request that fails a check throws, saying which. */
  static PublicKey keyFor(byte[] der, SpiffeId id) throws InvalidRequest {
    JcaPKCS10CertificationRequest request;
    PublicKey key;
    try {
      request = new JcaPKCS10CertificationRequest(der);
      key = request.getPublicKey();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new InvalidRequest("the certificate signing request is not PKCS#10 DER: " + e.getMessage());
    }
    try {
      if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new InvalidRequest("the certificate signing request's signature is not its key's");
      }
    } catch (OperatorCreationException | PKCSException e) {
      throw new InvalidRequest("the certificate signing request's signature cannot be checked: " + e.getMessage());
    }
    for (Attribute attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
      GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
      if (names == null) {
        continue;
      }
      for (GeneralName name : names.getNames()) {
        if (name.getTagNo() != GeneralName.uniformResourceIdentifier || !name.getName().toString().equals(id.toString())) {
          throw new InvalidRequest("the certificate signing request asks for the SAN " + name.getName()
              + "; only " + id + " may be certified");
        }
      }
    }
    return key;
  }

  /** A request refused for what it holds (INVALID_ARGUMENT to the caller). */
  static final class InvalidRequest extends Exception {
    InvalidRequest(String message) {
      super(message);
    }
  }
}
