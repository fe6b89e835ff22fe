package dev.fulcrum.it;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.InputStream;
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
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The API server's side of a mutating webhook: sends a pod's AdmissionReview, applies the patch. */
public final class Admission {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Admission() {}

  /** The pod as it would be created: {@code podYaml} with the webhook's patch applied, if any. */
  static Pod admit(String podYaml, URI webhook, Path trustedCertificate) throws Exception {
    Pod pod = Serialization.unmarshal(podYaml, Pod.class);
    String review = """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
         "request": {"uid": "%s", "operation": "CREATE", "namespace": "default",
                     "kind": {"group": "", "version": "v1", "kind": "Pod"},
                     "resource": {"group": "", "version": "v1", "resource": "pods"},
                     "object": %s}}
        """.formatted(UUID.randomUUID(), Serialization.asJson(pod));
    HttpClient client = HttpClient.newBuilder().sslContext(trusting(trustedCertificate))
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> answer = client.send(HttpRequest.newBuilder(webhook)
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(review)).build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new AssertionError("webhook answered " + answer.statusCode() + ": " + answer.body());
    }
    AdmissionResponse response = Serialization.unmarshal(answer.body(), AdmissionReview.class).getResponse();
    if (!Boolean.TRUE.equals(response.getAllowed())) {
      throw new AssertionError("webhook refused the pod: " + answer.body());
    }
    if (response.getPatch() == null) {
      return pod;
    }
    return patched(pod, new String(Base64.getDecoder().decode(response.getPatch()), java.nio.charset.StandardCharsets.UTF_8));
  }

  /** {@code pod} with a JSON patch applied, as the API server applies a webhook's. */
  public static Pod patched(Pod pod, String jsonPatch) throws java.io.IOException {
    JsonNode patched = JsonPatch.apply(JSON.readTree(jsonPatch), JSON.readTree(Serialization.asJson(pod)));
    return Serialization.unmarshal(patched.toString(), Pod.class);
  }

  private static SSLContext trusting(Path certificate) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream pem = Files.newInputStream(certificate)) {
      trusted.setCertificateEntry("webhook", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
