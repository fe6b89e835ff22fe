package dev.fulcrum.dataplane.identity;

import dev.fulcrum.contract.identity.SpiffeId;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The proxy's current identity: its key, the chain it presents (leaf first, then the issuer), and
 * the trust anchors it checks peers against.
 */
public record WorkloadCertificate(SpiffeId id, PrivateKey key, List<X509Certificate> chain,
    List<X509Certificate> trustAnchors) {

  public WorkloadCertificate {
    chain = List.copyOf(chain);
    trustAnchors = List.copyOf(trustAnchors);
    if (chain.isEmpty() || trustAnchors.isEmpty()) {
      throw new IllegalArgumentException("a workload certificate needs a chain and at least one trust anchor");
    }
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /** The SPIFFE ID a certificate names: its one URI SAN. */
  public static SpiffeId idOf(X509Certificate certificate) throws CertificateException {
    if (certificate.getSubjectAlternativeNames() != null) {
      for (List<?> name : certificate.getSubjectAlternativeNames()) {
        if (Integer.valueOf(6).equals(name.get(0))) { // uniformResourceIdentifier
          try {
            return SpiffeId.parse((String) name.get(1));
          } catch (IllegalArgumentException e) {
            throw new CertificateException("the certificate's URI SAN is not a mesh identity: " + e.getMessage());
          }
        }
      }
    }
    throw new CertificateException("the certificate names no SPIFFE ID (no URI SAN)");
  }

}
