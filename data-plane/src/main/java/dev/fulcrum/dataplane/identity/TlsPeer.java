package dev.fulcrum.dataplane.identity;

import dev.fulcrum.contract.identity.SpiffeId;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is at the other end of a connection, as its handshake proved: whether it spoke TLS, and the
 * mesh identity its (verified) certificate names. Read once per TLS session and kept on it, since
 * every call on the connection asks.
 */
public record TlsPeer(boolean tls, Optional<SpiffeId> id) {
  public static final TlsPeer PLAINTEXT = new TlsPeer(false, Optional.empty());
  private static final String KEY = "fulcrum.peer";

  /** The peer of {@code session}; {@link #PLAINTEXT} when there is none. */
  public static TlsPeer of(SSLSession session) {
    if (session == null) {
      return PLAINTEXT;
    }
    if (session.getValue(KEY) instanceof TlsPeer known) {
      return known;
    }
    TlsPeer peer = new TlsPeer(true, identity(session));
    session.putValue(KEY, peer);
    return peer;
  }

  private static Optional<SpiffeId> identity(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
        return Optional.of(WorkloadCertificate.idOf(leaf));
      }
    } catch (SSLPeerUnverifiedException | CertificateException e) {
      // TLS without a mesh certificate: a peer, but no identity.
    }
    return Optional.empty();
  }

  /** The metric label: the SPIFFE ID, or empty. */
  public String identityLabel() {
    return id.map(SpiffeId::toString).orElse("");
  }
}
