package dev.fulcrum.dataplane.inbound;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.dataplane.identity.CertificateSource;
import dev.fulcrum.dataplane.identity.WorkloadCertificate;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/** TEMPORARY: strict mTLS from the certificate at start (replaced by the inbound-tls branch). */
public final class InboundCredentials {
  private InboundCredentials() {}

  public static ServerCredentials create(CertificateSource source, InboundTls mode) {
    try {
      WorkloadCertificate current = source.current();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("w", current.key(), new char[0], current.chain().toArray(X509Certificate[]::new));
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, new char[0]);
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      for (int i = 0; i < current.trustAnchors().size(); i++) {
        anchors.setCertificateEntry("a" + i, current.trustAnchors().get(i));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(anchors);
      return TlsServerCredentials.newBuilder().keyManager(keyManagers.getKeyManagers())
          .trustManager(trust.getTrustManagers()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
