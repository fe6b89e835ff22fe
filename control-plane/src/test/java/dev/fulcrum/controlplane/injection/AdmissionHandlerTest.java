package dev.fulcrum.controlplane.injection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Whole AdmissionReviews in and out, as JSON: the answer always allows, and patches when it injects. */
class AdmissionHandlerTest {
  private final AdmissionHandler handler = new AdmissionHandler(new SidecarInjector(SidecarSettings.defaults().withIdentity(false)));

  private JsonNode answer(String review, OptIn optIn) {
    byte[] out = handler.handle(review.getBytes(StandardCharsets.UTF_8), optIn);
    JsonNode json = new JsonMapper().readTree(out);
    assertEquals("admission.k8s.io/v1", json.path("apiVersion").asString());
    assertEquals("AdmissionReview", json.path("kind").asString());
    assertTrue(json.path("response").path("allowed").asBoolean(), json.toString());
    return json.path("response");
  }

  @Test
  void anAnnotatedPodIsAllowedWithAPatchThatInjectsTheProxy() {
    JsonNode response = answer(AdmissionReviews.podReview(AdmissionReviews.UID), OptIn.POD);
    assertEquals(AdmissionReviews.UID, response.path("uid").asString());
    assertEquals("JSONPatch", response.path("patchType").asString());
    JsonNode patch = new JsonMapper().readTree(Base64.getDecoder().decode(response.path("patch").asString()));
    Pod pod = PodPatching.apply(patch, AdmissionReviews.POD_YAML);
    assertEquals(List.of("client", "fulcrum-proxy"), pod.getSpec().getContainers().stream().map(c -> c.getName()).toList());
    assertEquals(PodPatching.proxy(), pod.getSpec().getContainers().get(1));
    assertEquals(List.of(CaptureContainer.NAME), pod.getSpec().getInitContainers().stream().map(c -> c.getName()).toList());
  }

  @Test
  void theAnswerReadsBackAsFabric8sModel() {
    byte[] out = handler.handle(AdmissionReviews.podReview("u-1").getBytes(StandardCharsets.UTF_8), OptIn.POD);
    AdmissionResponse response = PodPatching.SERIALIZATION
        .unmarshal(new String(out, StandardCharsets.UTF_8), AdmissionReview.class).getResponse();
    assertEquals("u-1", response.getUid());
    assertEquals(Boolean.TRUE, response.getAllowed());
    assertEquals("JSONPatch", response.getPatchType());
  }

  @Test
  void aPodLeftAloneGetsNoPatch() {
    String optedOut = AdmissionReviews.podReview("u-2").replace("\"enabled\"", "\"disabled\"");
    JsonNode response = answer(optedOut, OptIn.NAMESPACE);
    assertEquals("u-2", response.path("uid").asString());
    assertTrue(response.path("patch").isMissingNode(), response.toString());
    assertTrue(response.path("patchType").isMissingNode(), response.toString());
  }

  @Test
  void aPodThatAskedForWhatCannotBeDoneIsAllowedWithAWarning() {
    String odd = AdmissionReviews.podReview("u-3").replace("\"enabled\"", "\"yes\"");
    JsonNode response = answer(odd, OptIn.POD);
    assertTrue(response.path("patch").isMissingNode());
    assertEquals("fulcrum.io/inject: 'yes' is neither enabled nor disabled; no proxy injected",
        response.path("warnings").path(0).asString());
  }

  @Test
  void anythingButTheCreationOfAPodIsAllowedUnchanged() {
    String service = AdmissionReviews.podReview("u-4")
        .replace("\"kind\": \"Pod\"}", "\"kind\": \"Service\"}");
    JsonNode response = answer(service, OptIn.NAMESPACE);
    assertEquals("u-4", response.path("uid").asString());
    assertTrue(response.path("patch").isMissingNode());

    String noObject = AdmissionReviews.podReview("u-5").replaceAll("(?s)\"object\": \\{.*?\"oldObject\"", "\"oldObject\"");
    assertEquals("u-5", answer(noObject, OptIn.NAMESPACE).path("uid").asString());

    String update = AdmissionReviews.podReview("u-8").replace("\"operation\": \"CREATE\"", "\"operation\": \"UPDATE\"");
    JsonNode response8 = answer(update, OptIn.POD);
    assertEquals("u-8", response8.path("uid").asString());
    assertTrue(response8.path("patch").isMissingNode(), "pods cannot get containers once created");

    String badPod = AdmissionReviews.podReview("u-6")
        .replace("\"containers\": [{", "\"containers\": {\"oops\": [{").replace("}]}\n", "}]}}\n");
    JsonNode response6 = answer(badPod, OptIn.NAMESPACE);
    assertEquals("u-6", response6.path("uid").asString());
    assertTrue(response6.path("patch").isMissingNode());
  }

  @Test
  void warmingUpAnswersNothingAndChangesNothing() {
    handler.warmUp();
    JsonNode response = answer(AdmissionReviews.podReview("u-9"), OptIn.POD);
    assertEquals("u-9", response.path("uid").asString());
    assertEquals("JSONPatch", response.path("patchType").asString());
  }

  @Test
  void whatIsNotAnAdmissionReviewIsAllowedUnchanged() {
    for (String body : List.of("", "{", "not json", "[]", "{\"kind\": \"AdmissionReview\"}")) {
      JsonNode response = answer(body, OptIn.POD);
      assertTrue(response.path("patch").isMissingNode(), body);
      assertNull(response.path("uid").asString(null), body);
    }
  }
}
