package dev.fulcrum.controlplane.injection;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's certificate and key, read again when their files change, so that a renewed Secret
 * (cert-manager's, or one replaced by hand) is served without a restart: the kubelet swaps the
 * mounted files, and the next handshake after a check finds them. The files are compared at most
 * every {@code checkEvery}, when a handshake begins. A renewal that cannot be used (half written,
 * or a key that does not go with its certificate) is logged once, and the last good pair goes on
 * serving.
 *
 * <p>Each pair loaded has its own alias, so a handshake that began with one pair finishes with
 * it, even if the next pair arrives in between.
 */
final class RenewedCertificate extends X509ExtendedKeyManager {
  private static final Logger log = LoggerFactory.getLogger(RenewedCertificate.class);
  static final Duration CHECK_EVERY = Duration.ofSeconds(10);

  private final Path certificate;
  private final Path privateKey;
  private final long checkEveryNanos;
  private final LongSupplier nanoTime;
  private long nextCheck;
  private int loads;
  /** The files as last read, used or not: a renewal is judged once, not at every check. */
  private byte[] lastRead;
  private volatile PemTls.KeyPair current;
  /** The pair before, for handshakes that chose it just before the swap. */
  private volatile PemTls.KeyPair previous;

  /** Throws {@link IllegalStateException}, one line naming the file, when the first pair cannot be used. */
  RenewedCertificate(Path certificate, Path privateKey, Duration checkEvery, LongSupplier nanoTime) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.checkEveryNanos = checkEvery.toNanos();
    this.nanoTime = nanoTime;
    this.lastRead = read();
    this.current = PemTls.keyPair(certificate, privateKey, alias());
    this.previous = current;
    this.nextCheck = nanoTime.getAsLong() + checkEveryNanos;
  }

  private String alias() {
    return "webhook-" + ++loads;
  }

  /** Both files' bytes, or null if either cannot be read now (a swap in progress). */
  private byte[] read() {
    try {
      byte[] crt = Files.readAllBytes(certificate);
      byte[] key = Files.readAllBytes(privateKey);
      byte[] both = Arrays.copyOf(crt, crt.length + key.length);
      System.arraycopy(key, 0, both, crt.length, key.length);
      return both;
    } catch (IOException e) {
      return null;
    }
  }

  /** Loads the files if they changed since last read, and it is time to look. */
  private synchronized void refreshIfDue() {
    long now = nanoTime.getAsLong();
    if (now - nextCheck < 0) {
      return;
    }
    nextCheck = now + checkEveryNanos;
    byte[] files = read();
    if (files == null || Arrays.equals(files, lastRead)) {
      return;
    }
    lastRead = files;
    try {
      PemTls.KeyPair renewed = PemTls.keyPair(certificate, privateKey, alias());
      previous = current;
      current = renewed;
      log.info("webhook certificate renewed from {}: {}", certificate, renewed.subject());
    } catch (IllegalStateException e) {
      log.warn("webhook certificate not renewed, the last good one goes on serving: {}", e.getMessage());
    }
  }

  /** The pair a handshake chose by its alias: the one before, if it began just before a renewal. */
  private PemTls.KeyPair pair(String alias) {
    PemTls.KeyPair before = previous;
    return before.alias().equals(alias) ? before : current;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    refreshIfDue();
    return current.keys().chooseEngineServerAlias(keyType, issuers, engine);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    refreshIfDue();
    return current.keys().chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return current.keys().getServerAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return pair(alias).keys().getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return pair(alias).keys().getPrivateKey(alias);
  }

  /** A server's key manager: it presents no client certificate. */
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
