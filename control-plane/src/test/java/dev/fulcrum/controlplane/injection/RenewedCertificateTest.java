package dev.fulcrum.controlplane.injection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A renewed Secret, as the kubelet delivers it: the mounted files change under the running webhook. */
class RenewedCertificateTest {
  @TempDir
  static Path keys;
  private static SelfSigned first;
  private static SelfSigned renewal;

  @TempDir
  Path mounted;
  private Path crt;
  private Path key;
  private final AtomicLong nanos = new AtomicLong();

  @BeforeAll
  static void certificates() throws Exception {
    first = SelfSigned.create(Files.createDirectory(keys.resolve("first")), "RSA");
    renewal = SelfSigned.create(Files.createDirectory(keys.resolve("renewal")), "EC");
  }

  @BeforeEach
  void mount() throws Exception {
    crt = mounted.resolve("tls.crt");
    key = mounted.resolve("tls.key");
    mountPair(first);
  }

  /** As the kubelet does: the new files appear whole (written aside, then moved in). */
  private void mountPair(SelfSigned pair) throws Exception {
    mountFile(pair.certificate(), crt);
    mountFile(pair.privateKey(), key);
  }

  private void mountFile(Path from, Path to) throws Exception {
    Path aside = Files.copy(from, to.resolveSibling(to.getFileName() + ".new"), StandardCopyOption.REPLACE_EXISTING);
    Files.move(aside, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private RenewedCertificate certificate() {
    return new RenewedCertificate(crt, key, RenewedCertificate.CHECK_EVERY, nanos::get);
  }

  /** The certificate a handshake beginning now would present (the first pair is RSA, the renewal EC). */
  private static Certificate presented(RenewedCertificate keys) {
    String alias = keys.chooseEngineServerAlias("RSA", null, null);
    if (alias == null) {
      alias = keys.chooseEngineServerAlias("EC", null, null);
    }
    return keys.getCertificateChain(alias)[0];
  }

  @Test
  void aRenewedPairIsServedAtTheNextCheckAfterItArrives() throws Exception {
    RenewedCertificate keys = certificate();
    assertEquals(first.issued(), presented(keys));

    mountPair(renewal);
    assertEquals(first.issued(), presented(keys), "not looked at before the check is due");
    nanos.addAndGet(RenewedCertificate.CHECK_EVERY.toNanos());
    assertEquals(renewal.issued(), presented(keys));
  }

  @Test
  void aHandshakeThatChoseTheOldPairFinishesWithIt() throws Exception {
    RenewedCertificate keys = certificate();
    String chosen = keys.chooseEngineServerAlias("RSA", null, null);
    mountPair(renewal);
    nanos.addAndGet(RenewedCertificate.CHECK_EVERY.toNanos());
    assertEquals(renewal.issued(), presented(keys));
    assertEquals(first.issued(), keys.getCertificateChain(chosen)[0]);
    assertEquals(first.issued().getPublicKey().getAlgorithm(), keys.getPrivateKey(chosen).getAlgorithm());
  }

  @Test
  void aRenewalThatCannotBeUsedLeavesTheLastGoodPairServing() throws Exception {
    RenewedCertificate keys = certificate();
    // A key that is not the certificate's: the renewal's certificate beside the first key.
    mountFile(renewal.certificate(), crt);
    nanos.addAndGet(RenewedCertificate.CHECK_EVERY.toNanos());
    assertEquals(first.issued(), presented(keys));
    Files.writeString(crt, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n");
    nanos.addAndGet(RenewedCertificate.CHECK_EVERY.toNanos());
    assertEquals(first.issued(), presented(keys));
    // Then the whole renewal arrives, and is served.
    mountPair(renewal);
    nanos.addAndGet(RenewedCertificate.CHECK_EVERY.toNanos());
    assertEquals(renewal.issued(), presented(keys));
  }

  @Test
  void aFirstPairThatCannotBeUsedFailsTheStartNamingTheFile() throws Exception {
    mountFile(renewal.certificate(), crt);
    String message = assertThrows(IllegalStateException.class, this::certificate).getMessage();
    assertEquals(key + ": does not go with " + crt + " (another key's certificate)", message);
  }

  @Test
  void theWebhookServesTheRenewedCertificateWithoutARestart() throws Exception {
    WebhookServer server = new WebhookServer(new AdmissionHandler(new SidecarInjector(SidecarSettings.defaults())));
    // Checked at every handshake here, so the test need not wait.
    server.start(new InetSocketAddress("127.0.0.1", 0),
        PemTls.serverContext(new RenewedCertificate(crt, key, Duration.ZERO, System::nanoTime)));
    try {
      assertEquals(first.issued(), serverCertificate(server.port()));
      mountPair(renewal);
      assertEquals(renewal.issued(), serverCertificate(server.port()));
    } finally {
      server.close();
    }
  }

  /** The certificate the server presents to a new client (no session to resume) that trusts both pairs. */
  private static Certificate serverCertificate(int port) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("first", first.issued());
    trusted.setCertificateEntry("renewal", renewal.issued());
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(30)).build();
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/inject"))
        .GET().timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, response.statusCode());
    return response.sslSession().orElseThrow().getPeerCertificates()[0];
  }
}
