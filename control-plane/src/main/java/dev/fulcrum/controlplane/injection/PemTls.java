package dev.fulcrum.controlplane.injection;

import dev.fulcrum.controlplane.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server's TLS context from the PEM files of a Kubernetes TLS Secret ({@code tls.crt},
 * {@code tls.key}), in the encodings {@link PemFiles} reads.
 */
public final class PemTls {
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
    List<Certificate> chain = PemFiles.certificates(certificate);
    PrivateKey key = PemFiles.privateKey(privateKey);
    if (!PemFiles.belongTogether(key, chain.get(0))) {
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
}
