package dev.fulcrum.controlplane.injection;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Sample pods as the API server sends them (YAML here for reading, raw JSON on the wire), and the
 * webhook's patch applied to that raw JSON by a real RFC 6902 implementation (fabric8's
 * zjsonpatch): a patch that adds to a member the pod lacks fails here as it would in the API server.
 */
final class PodPatching {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final JsonMapper JSON = new JsonMapper();

  /**
   * The proxy as documented (docs/deployment.md), for the default settings and {@code outbound}/{@code admin},
   * its pod's traffic captured.
   */
  static Container proxy(int outbound, int admin) {
    return SERIALIZATION.unmarshal("""
        name: fulcrum-proxy
        image: fulcrum/proxy:0.1.0
        imagePullPolicy: IfNotPresent
        args: [proxy, --listen-address, 127.0.0.1, --listen-port, "%1$d",
               --xds-server, "fulcrum-control-plane.fulcrum-system.svc:18000",
               --admin-address, 0.0.0.0, --admin-port, "%2$d", --io-threads, "1", --captured]
        ports: [{name: fulcrum-admin, containerPort: %2$d, protocol: TCP}]
        readinessProbe: {httpGet: {path: /ready, port: %2$d}, initialDelaySeconds: 1, periodSeconds: 5, failureThreshold: 3}
        livenessProbe: {httpGet: {path: /live, port: %2$d}, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: "1", memory: 256Mi}
        securityContext: {runAsUser: 65532, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        """.formatted(outbound, admin), Container.class);
  }

  static Container proxy() {
    return proxy(SidecarSettings.DEFAULT_OUTBOUND_PORT, SidecarSettings.DEFAULT_ADMIN_PORT);
  }

  /** The same for a pod annotated {@code fulcrum.io/capture: disabled}: as the proxy was before capture. */
  static Container uncapturedProxy() {
    Container proxy = proxy();
    proxy.getArgs().remove("--captured");
    return proxy;
  }

  /** The capture's init container as documented (docs/deployment.md), for the default settings, running {@code args}. */
  static Container captureInit(List<String> args) {
    Container init = SERIALIZATION.unmarshal("""
        name: fulcrum-init
        image: fulcrum/proxy:0.1.0
        imagePullPolicy: IfNotPresent
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: "1", memory: 256Mi}
        terminationMessagePolicy: FallbackToLogsOnError
        securityContext:
          runAsUser: 0
          runAsNonRoot: false
          allowPrivilegeEscalation: false
          capabilities: {add: [NET_ADMIN, NET_RAW], drop: [ALL]}
        """, Container.class);
    init.setArgs(args);
    return init;
  }

  static JsonNode tree(String yaml) {
    return YAML.readTree(yaml);
  }

  static Pod pod(String yaml) {
    return SERIALIZATION.convertValue(tree(yaml), Pod.class);
  }

  /** {@code operations}, serialized as the webhook sends them, applied to the raw {@code podYaml}. */
  static Pod apply(List<PatchOperation> operations, String podYaml) {
    JsonNode patch = JSON.readTree(SERIALIZATION.asJson(operations));
    return apply(patch, podYaml);
  }

  static Pod apply(JsonNode patch, String podYaml) {
    return SERIALIZATION.convertValue(JsonPatch.apply(patch, tree(podYaml)), Pod.class);
  }

  private PodPatching() {}
}
