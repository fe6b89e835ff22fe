package dev.fulcrum.controlplane.injection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The webhook as the API server meets it: HTTPS with a certificate made here, a real AdmissionReview. */
class WebhookServerTest {
  @TempDir static Path dir;
  private static SelfSigned certificate;
  private WebhookServer server;
  private HttpClient client;

  @BeforeAll
  static void certificate() throws Exception {
    certificate = SelfSigned.create(dir, "RSA");
  }

  @BeforeEach
  void start() throws Exception {
    server = new WebhookServer(new AdmissionHandler(new SidecarInjector(SidecarSettings.defaults().withIdentity(false))));
    server.start(new InetSocketAddress("127.0.0.1", 0),
        PemTls.serverContext(certificate.certificate(), certificate.privateKey()));
    client = HttpClient.newBuilder().sslContext(certificate.trustingClient()).connectTimeout(Duration.ofSeconds(30)).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersAnAdmissionReviewOverHttpsWithThePatch() throws Exception {
    HttpResponse<String> response = post("/inject", AdmissionReviews.podReview(AdmissionReviews.UID));
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    JsonNode answer = new JsonMapper().readTree(response.body()).path("response");
    assertEquals(AdmissionReviews.UID, answer.path("uid").asString());
    assertTrue(answer.path("allowed").asBoolean());
    assertEquals("JSONPatch", answer.path("patchType").asString());
    Pod pod = PodPatching.apply(new JsonMapper().readTree(Base64.getDecoder().decode(answer.path("patch").asString())),
        AdmissionReviews.POD_YAML);
    assertEquals(PodPatching.proxy(), pod.getSpec().getContainers().get(1));
  }

  @Test
  void theNamespacePathInjectsPodsWithoutTheAnnotation() throws Exception {
    String unannotated = AdmissionReviews.podReview("u-ns").replace("\"annotations\": {\"fulcrum.io/inject\": \"enabled\"}", "\"labels\": {\"app\": \"client\"}");
    JsonNode perPod = new JsonMapper().readTree(post("/inject", unannotated).body()).path("response");
    assertTrue(perPod.path("patch").isMissingNode(), perPod.toString());
    JsonNode perNamespace = new JsonMapper().readTree(post("/inject/namespace", unannotated).body()).path("response");
    assertEquals("u-ns", perNamespace.path("uid").asString());
    assertEquals("JSONPatch", perNamespace.path("patchType").asString());
  }

  @Test
  void aBadBodyIsStillAnAllowingAnswer() throws Exception {
    HttpResponse<String> response = post("/inject", "{not json");
    assertEquals(200, response.statusCode());
    assertTrue(new JsonMapper().readTree(response.body()).path("response").path("allowed").asBoolean());
  }

  @Test
  void onlyPostsToTheWebhooksPaths() throws Exception {
    assertEquals(404, post("/inject/other", "{}").statusCode());
    assertEquals(404, post("/injector", "{}").statusCode());
    HttpResponse<String> get = client.send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + server.port() + "/inject")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
  }

  /**
   * The openssl commands of docs/deployment.md, run as written: the webhook serves what they make,
   * and a client that checks as the API server does (trusting only the caBundle's CA, for the
   * Service's name) accepts it.
   */
  @Test
  void theDocumentedCertificatesPassTheApiServersCheck(@TempDir Path work) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "no openssl");
    String docs = Files.readString(Path.of("..", "docs", "deployment.md"));
    Matcher block = Pattern.compile("```bash\n(mkdir -p certs.*?)```", Pattern.DOTALL).matcher(docs);
    assertTrue(block.find(), "docs/deployment.md has the openssl commands");
    Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", block.group(1))
        .directory(work.toFile()).redirectErrorStream(true).start();
    String output = new String(bash.getInputStream().readAllBytes());
    assertEquals(0, bash.waitFor(), output);
    Path certs = work.resolve("certs");

    try (WebhookServer documented = new WebhookServer(
        new AdmissionHandler(new SidecarInjector(SidecarSettings.defaults().withIdentity(false))))) {
      documented.start(new InetSocketAddress("127.0.0.1", 0),
          PemTls.serverContext(certs.resolve("tls.crt"), certs.resolve("tls.key")));
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      try (InputStream in = Files.newInputStream(certs.resolve("ca.crt"))) {
        trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext apiServer = SSLContext.getInstance("TLS");
      apiServer.init(null, trust.getTrustManagers(), null);
      String serviceName = "fulcrum-control-plane.fulcrum-system.svc";
      try (Socket tcp = new Socket("127.0.0.1", documented.port());
          SSLSocket tls = (SSLSocket) apiServer.getSocketFactory().createSocket(tcp, serviceName, documented.port(), true)) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the name must be in the certificate
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        assertEquals("CN=" + serviceName, tls.getSession().getPeerPrincipal().getName());
      }
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateCannotConnect() {
    HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    assertThrows(SSLHandshakeException.class, () -> untrusting.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/inject"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));
  }
}
