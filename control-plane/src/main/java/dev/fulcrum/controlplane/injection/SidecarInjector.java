package dev.fulcrum.controlplane.injection;

import dev.fulcrum.contract.AdminPaths;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod in, the JSON patch that gives it a proxy out (pure): the {@link InjectionPolicy}'s
 * decision, then the operations that add the {@link ProxyContainer} and, unless the pod opts out,
 * the {@link CaptureContainer} that sends its traffic there, the label that marks the pod as having
 * it, and the annotations that tell Prometheus where the proxy's metrics are.
 *
 * <p>fabric8's model reads a missing list or map as an empty one (and a {@code null} one as null),
 * but a patch that appends to a member that is absent fails. So an empty or null member is set
 * whole ({@code add} creates it or replaces it); only a non-empty one, which certainly exists, is
 * added to.
 */
public final class SidecarInjector {
  static final String SCRAPE = "prometheus.io/scrape";

  private final SidecarSettings settings;
  private final InjectionPolicy policy;

  /** For pods whose namespaces carry no label it reads. */
  public SidecarInjector(SidecarSettings settings) {
    this(settings, NamespaceLabels.NONE);
  }

  public SidecarInjector(SidecarSettings settings, NamespaceLabels namespaceLabels) {
    this.settings = settings;
    this.policy = new InjectionPolicy(settings, namespaceLabels);
  }

  /** The decision, and when it is to inject, the operations that do it. */
  public record Injection(Decision decision, List<PatchOperation> patch) {}

  /** For a pod whose metadata names its namespace (or, with none, in default). */
  public Injection inject(Pod pod, OptIn optIn) {
    String namespace = pod.getMetadata() == null || pod.getMetadata().getNamespace() == null
        ? "default" : pod.getMetadata().getNamespace();
    return inject(pod, optIn, namespace);
  }

  /** {@code namespace}: the admission request's. */
  public Injection inject(Pod pod, OptIn optIn, String namespace) {
    Decision decision = policy.decide(pod, optIn, namespace);
    if (!(decision instanceof Decision.Inject ports)) {
      return new Injection(decision, List.of());
    }
    List<PatchOperation> patch = new ArrayList<>();
    Container proxy = ProxyContainer.of(settings, ports);
    // Before the pod's own init containers: first the capture, which must be done before the proxy
    // and the applications start; then a native sidecar proxy, so that those after it can call
    // through it too.
    List<Container> firstInits = new ArrayList<>();
    ports.capture().ifPresent(capture -> firstInits.add(CaptureContainer.of(settings, capture.settings(), ports.cpu())));
    if (ports.nativeSidecar()) {
      firstInits.add(proxy);
    }
    if (InjectionPolicy.orEmpty(pod.getSpec().getInitContainers()).isEmpty()) {
      if (!firstInits.isEmpty()) {
        patch.add(PatchOperation.add("/spec/initContainers", firstInits));
      }
    } else {
      for (int i = 0; i < firstInits.size(); i++) {
        patch.add(PatchOperation.add("/spec/initContainers/" + i, firstInits.get(i)));
      }
    }
    if (!ports.nativeSidecar()) {
      patch.add(InjectionPolicy.orEmpty(pod.getSpec().getContainers()).isEmpty()
          ? PatchOperation.add("/spec/containers", List.of(proxy))
          : PatchOperation.add("/spec/containers/-", proxy));
    }
    if (ports.identity().isPresent()) {
      patch.addAll(ProxyVolumes.patch(pod));
    }
    patch.addAll(metadata(pod, ports));
    return new Injection(decision, patch);
  }

  /**
   * The pod's label {@link InjectionPolicy#PROXY_LABEL}, and Prometheus's usual annotations for the
   * proxy's /metrics unless the pod has its own.
   */
  private static List<PatchOperation> metadata(Pod pod, Decision.Inject ports) {
    Map<String, String> annotations = new LinkedHashMap<>();
    if (!InjectionPolicy.annotations(pod).containsKey(SCRAPE)) {
      annotations.put(SCRAPE, "true");
      annotations.put("prometheus.io/port", String.valueOf(ports.adminPort()));
      annotations.put("prometheus.io/path", AdminPaths.METRICS);
    }
    Map<String, String> labels = Map.of(InjectionPolicy.PROXY_LABEL, InjectionPolicy.INJECTED);
    if (pod.getMetadata() == null) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      if (!annotations.isEmpty()) {
        metadata.put("annotations", annotations);
      }
      metadata.put("labels", labels);
      return List.of(PatchOperation.add("/metadata", metadata));
    }
    List<PatchOperation> operations = new ArrayList<>(addTo("annotations", InjectionPolicy.annotations(pod), annotations));
    operations.addAll(addTo("labels", pod.getMetadata().getLabels(), labels));
    return operations;
  }

  /** Adds {@code added} to the metadata map {@code member}: whole if the pod has none, else entry by entry. */
  private static List<PatchOperation> addTo(String member, Map<String, String> existing, Map<String, String> added) {
    if (added.isEmpty()) {
      return List.of();
    }
    if (existing == null || existing.isEmpty()) {
      return List.of(PatchOperation.add("/metadata/" + member, added));
    }
    return added.entrySet().stream()
        .map(entry -> PatchOperation.add("/metadata/" + member + "/" + PatchOperation.token(entry.getKey()), entry.getValue()))
        .toList();
  }
}
