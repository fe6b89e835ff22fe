package dev.fulcrum.controlplane.injection;

import dev.fulcrum.controlplane.injection.SidecarInjector.Injection;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.GroupVersionKindBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@code admission.k8s.io/v1} AdmissionReview of a pod in, the AdmissionReview answering it
 * out. Every answer allows the pod: the webhook adds a proxy or does nothing, and never stands
 * between a user and a pod (anything it cannot read is let through, with a log line).
 */
public final class AdmissionHandler {
  private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);
  static final String API_VERSION = "admission.k8s.io/v1";

  private final SidecarInjector injector;
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final JsonMapper json = new JsonMapper();

  public AdmissionHandler(SidecarInjector injector) {
    this.injector = injector;
  }

  public byte[] handle(byte[] body, OptIn optIn) {
    JsonNode tree;
    try {
      tree = json.readTree(body);
    } catch (JacksonException e) {
      log.warn("not JSON ({}); allowed unchanged", e.getOriginalMessage());
      return write(allow(null).build());
    }
    // The uid first, from the tree: an answer without it is no answer, and a pod fabric8 cannot
    // read would fail the whole review.
    String uid = tree.path("request").path("uid").asString(null);
    AdmissionRequest request;
    try {
      request = serialization.convertValue(tree, AdmissionReview.class).getRequest();
    } catch (RuntimeException e) {
      log.warn("admission request {}: cannot read it ({}); allowed unchanged", uid, e.getMessage());
      return write(allow(uid).build());
    }
    if (request == null) {
      log.warn("an AdmissionReview without a request; allowed unchanged");
      return write(allow(null).build());
    }
    return write(answer(request, optIn));
  }

  private AdmissionResponse answer(AdmissionRequest request, OptIn optIn) {
    AdmissionResponseBuilder response = allow(request.getUid());
    GroupVersionKind kind = request.getKind();
    if (kind == null || !"Pod".equals(kind.getKind()) || !"".equals(kind.getGroup()) || request.getObject() == null) {
      log.warn("admission request {} is for a {}, not a pod; allowed unchanged", request.getUid(), kind);
      return response.build();
    }
    if (request.getOperation() != null && !"CREATE".equals(request.getOperation())) {
      // A pod's containers cannot change after it is created: a patch on UPDATE would be refused.
      log.warn("admission request {} is a {}, not a CREATE; allowed unchanged", request.getUid(), request.getOperation());
      return response.build();
    }
    Pod pod;
    try {
      pod = serialization.convertValue(request.getObject(), Pod.class);
    } catch (RuntimeException e) {
      log.warn("admission request {}: cannot read the pod ({}); allowed unchanged", request.getUid(), e.getMessage());
      return response.build();
    }
    String name = describe(pod, request);
    Injection injection;
    try {
      injection = request.getNamespace() == null ? injector.inject(pod, optIn)
          : injector.inject(pod, optIn, request.getNamespace());
    } catch (RuntimeException e) {
      // A pod shaped as no test foresaw: it goes on without a proxy rather than not at all.
      log.warn("pod {}: not injected, {}", name, e.toString());
      return response.build();
    }
    if (injection.decision() instanceof Decision.Inject ports) {
      log.info("pod {}: injected {} (outbound port {}, admin port {})", name, ProxyContainer.NAME,
          ports.outboundPort(), ports.adminPort());
      String patch = serialization.asJson(injection.patch());
      response.withPatchType("JSONPatch")
          .withPatch(Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)));
    } else if (injection.decision() instanceof Decision.Warn warn) {
      log.warn("pod {}: {}", name, warn.warning());
      response.withWarnings(List.of(warn.warning()));
    } else if (injection.decision() instanceof Decision.Skip skip) {
      log.debug("pod {}: not injected, {}", name, skip.reason());
    }
    return response.build();
  }

  /**
   * Reads and answers one made-up pod, logging nothing, so that the first real one does not pay for
   * loading fabric8's model and Jackson's serializers: seconds on a busy node, against the API
   * server's timeout of 5 s, past which the pod would be created without a proxy.
   */
  public void warmUp() {
    Pod made = new PodBuilder().withNewMetadata().withName("warm-up").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("app").endContainer().endSpec().build();
    String review = serialization.asJson(new AdmissionReviewBuilder().withApiVersion(API_VERSION)
        .withKind("AdmissionReview").withNewRequest().withUid("warm-up").withOperation("CREATE")
        .withKind(new GroupVersionKindBuilder().withGroup("").withKind("Pod").withVersion("v1").build()).withObject(made).endRequest().build());
    AdmissionRequest request = serialization.convertValue(json.readTree(review), AdmissionReview.class).getRequest();
    Pod pod = serialization.convertValue(request.getObject(), Pod.class);
    String patch = serialization.asJson(injector.inject(pod, OptIn.NAMESPACE).patch());
    write(allow(request.getUid()).withPatch(patch).build());
  }

  private static AdmissionResponseBuilder allow(String uid) {
    return new AdmissionResponseBuilder().withUid(uid).withAllowed(true);
  }

  private byte[] write(AdmissionResponse response) {
    AdmissionReview review = new AdmissionReviewBuilder()
        .withApiVersion(API_VERSION).withKind("AdmissionReview").withResponse(response).build();
    return serialization.asJson(review).getBytes(StandardCharsets.UTF_8);
  }

  /** namespace/name; a pod made by a controller has only a generateName when it is created. */
  private static String describe(Pod pod, AdmissionRequest request) {
    String name = pod.getMetadata() == null ? null : pod.getMetadata().getName();
    if (name == null || name.isEmpty()) {
      name = pod.getMetadata() == null ? null : pod.getMetadata().getGenerateName();
      name = name == null ? "?" : name + "*";
    }
    return request.getNamespace() + "/" + name;
  }
}
