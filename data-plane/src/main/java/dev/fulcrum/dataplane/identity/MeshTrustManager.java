package dev.fulcrum.dataplane.identity;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer whose chain leads to one of the current trust anchors (several while they rotate)
 * and whose certificate names a mesh identity. The anchors come with each certificate the control
 * plane issues, so a new set applies to the next handshake with no restart.
 */
final class MeshTrustManager extends X509ExtendedTrustManager {
  private final CertificateSource source;
  /** Told of each client certificate refused, before the handshake fails. */
  private final Consumer<CertificateException> refused;
  /** The PKIX checker of the anchors last seen, rebuilt when they change. */
  private volatile Checker checker;

  private record Checker(List<X509Certificate> anchors, X509ExtendedTrustManager pkix) {}

  MeshTrustManager(CertificateSource source, Consumer<CertificateException> refused) {
    this.source = source;
    this.refused = refused;
  }

  private X509ExtendedTrustManager pkix() throws CertificateException {
    List<X509Certificate> anchors = source.current().trustAnchors();
    Checker current = checker;
    if (current == null || !current.anchors().equals(anchors)) {
      current = new Checker(anchors, build(anchors));
      checker = current;
    }
    return current.pkix();
  }

  private static X509ExtendedTrustManager build(List<X509Certificate> anchors) throws CertificateException {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("anchor-" + i, anchors.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          return extended;
        }
      }
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new CertificateException("the trust anchors cannot be used: " + e.getMessage(), e);
    }
    throw new CertificateException("no PKIX trust manager");
  }

  /** Beyond the chain: a mesh certificate names a SPIFFE ID (the CA writes one into every one). */
  private static void meshIdentity(X509Certificate[] chain) throws CertificateException {
    WorkloadCertificate.idOf(chain[0]);
  }

  /** A client's chain and identity, the refusal told before it fails the handshake. */
  private void client(X509Certificate[] chain, ClientCheck check) throws CertificateException {
    try {
      check.run(pkix());
      meshIdentity(chain);
    } catch (CertificateException e) {
      refused.accept(e);
      throw e;
    }
  }

  private interface ClientCheck {
    void run(X509ExtendedTrustManager pkix) throws CertificateException;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    client(chain, pkix -> pkix.checkClientTrusted(chain, authType, engine));
  }

  /** A server is checked by its chain and identity, not by host name: mesh certificates name none. */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    client(chain, pkix -> pkix.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    client(chain, pkix -> pkix.checkClientTrusted(chain, authType));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    pkix().checkServerTrusted(chain, authType);
    meshIdentity(chain);
  }

  /**
   * None named: any. A server sends this list to clients as the CAs their certificate must chain
   * to, and Netty fixes it when the context is built; after a trust-anchor rotation it would name
   * the old anchors only, and a client whose key manager picks its certificate by that list (the
   * JDK's and Netty's do) would send none for a chain under the new anchor. The chain is checked
   * against the current anchors above.
   */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
