package dev.fulcrum.controlplane.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.testing.Await;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issuer Secret in cert-manager's layout, watched on a mock API server in CRUD mode: read when
 * it appears, reloaded when it changes, a bad version refused with the last good one serving on,
 * and the anchors from the trust-anchor ConfigMap when there is one.
 */
class IssuerSecretTest {
  private static final String NAMESPACE = "fulcrum";
  private static final Duration WITHIN = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private KubernetesMockServer api;
  private KubernetesClient client;
  private IssuerSecret issuer;

  @BeforeEach
  void start() {
    api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    api.init();
    client = api.createClient();
    issuer = new IssuerSecret(client, NAMESPACE, IssuerSecret.DEFAULT_SECRET, IssuerSecret.DEFAULT_ANCHORS,
        SpiffeId.DEFAULT_TRUST_DOMAIN, Clock.systemUTC()).start();
  }

  @AfterEach
  void stop() {
    issuer.close();
    client.close();
    api.destroy();
  }

  /** A CA's files (made by the file-mode CA, as openssl or cert-manager would lay them out), in {@code name}. */
  private Path ca(String name) throws Exception {
    CertificateAuthority.inDirectory(dir.resolve(name), SpiffeId.DEFAULT_TRUST_DOMAIN, Clock.systemUTC());
    return dir.resolve(name);
  }

  private static String base64(Path file) throws Exception {
    return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
  }

  /** The Secret cert-manager writes for an issuer: its certificate, its key, and the CA that signed it. */
  private static Secret secret(Path certificate, Path key, Path anchor) throws Exception {
    return new SecretBuilder().withNewMetadata().withName(IssuerSecret.DEFAULT_SECRET).withNamespace(NAMESPACE).endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of(IssuerSecret.CERTIFICATE, base64(certificate), IssuerSecret.KEY, base64(key),
            IssuerSecret.CA, base64(anchor)))
        .build();
  }

  private void apply(Secret secret) {
    client.secrets().inNamespace(NAMESPACE).resource(secret).createOr(existing -> existing.update());
  }

  @Test
  void readWhenItAppearsAndReloadedWhenItChanges() throws Exception {
    assertNull(issuer.get(), "no CA before the Secret exists");
    Path first = ca("first");
    apply(secret(first.resolve(CaFiles.ISSUER_CERT), first.resolve(CaFiles.ISSUER_KEY), first.resolve(CaFiles.ANCHOR_CERT)));
    Await.until(() -> issuer.get() != null, WITHIN, "the CA from the Secret");
    assertEquals(PemCertificates.one(first.resolve(CaFiles.ISSUER_CERT)), issuer.get().issuer());
    assertEquals(List.of(PemCertificates.one(first.resolve(CaFiles.ANCHOR_CERT))), issuer.get().trustAnchors());

    Path second = ca("second");
    apply(secret(second.resolve(CaFiles.ISSUER_CERT), second.resolve(CaFiles.ISSUER_KEY), second.resolve(CaFiles.ANCHOR_CERT)));
    Await.until(() -> issuer.get().issuer().equals(PemCertificates.one(second.resolve(CaFiles.ISSUER_CERT))), WITHIN,
        "the new issuer in effect, no restart");
  }

  @Test
  void aBadVersionIsRefusedAndTheLastGoodOneServesOn() throws Exception {
    Path good = ca("good");
    Path other = ca("other");
    apply(secret(good.resolve(CaFiles.ISSUER_CERT), good.resolve(CaFiles.ISSUER_KEY), good.resolve(CaFiles.ANCHOR_CERT)));
    Await.until(() -> issuer.get() != null, WITHIN, "the CA from the Secret");
    CertificateAuthority lastGood = issuer.get();

    // A key that is not the certificate's, as a botched manual edit would leave it.
    apply(secret(good.resolve(CaFiles.ISSUER_CERT), other.resolve(CaFiles.ISSUER_KEY), good.resolve(CaFiles.ANCHOR_CERT)));
    Await.until(() -> issuer.rejected() == 1, WITHIN, "the mismatched key refused");
    assertSame(lastGood, issuer.get());

    // An issuer no trusted anchor signed.
    apply(secret(other.resolve(CaFiles.ISSUER_CERT), other.resolve(CaFiles.ISSUER_KEY), good.resolve(CaFiles.ANCHOR_CERT)));
    Await.until(() -> issuer.rejected() == 2, WITHIN, "the foreign issuer refused");
    assertSame(lastGood, issuer.get());

    // Not PEM at all.
    Files.writeString(dir.resolve("garbage"), "not a certificate");
    apply(secret(dir.resolve("garbage"), good.resolve(CaFiles.ISSUER_KEY), good.resolve(CaFiles.ANCHOR_CERT)));
    Await.until(() -> issuer.rejected() == 3, WITHIN, "the unparseable certificate refused");
    assertSame(lastGood, issuer.get());
  }

  @Test
  void theTrustAnchorConfigMapHoldsEveryAnchorWhileTheyRotate() throws Exception {
    Path old = ca("old");
    Path fresh = ca("fresh");
    String bundle = Files.readString(old.resolve(CaFiles.ANCHOR_CERT)) + Files.readString(fresh.resolve(CaFiles.ANCHOR_CERT));
    client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(IssuerSecret.DEFAULT_ANCHORS).withNamespace(NAMESPACE).endMetadata()
        .withData(Map.of(IssuerSecret.ANCHOR_BUNDLE, bundle)).build()).create();
    // The issuer re-issued under the new anchor, while proxies still trust the old one too.
    apply(secret(fresh.resolve(CaFiles.ISSUER_CERT), fresh.resolve(CaFiles.ISSUER_KEY), fresh.resolve(CaFiles.ANCHOR_CERT)));
    Await.until(() -> issuer.get() != null && issuer.get().trustAnchors().size() == 2, WITHIN, "both anchors trusted");
    assertEquals(List.of(PemCertificates.one(old.resolve(CaFiles.ANCHOR_CERT)), PemCertificates.one(fresh.resolve(CaFiles.ANCHOR_CERT))),
        issuer.get().trustAnchors());
  }
}
