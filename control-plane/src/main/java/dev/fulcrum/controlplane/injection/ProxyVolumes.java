package dev.fulcrum.controlplane.injection;

import dev.fulcrum.contract.identity.MeshTls;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.List;

/**
 * The two volumes an injected proxy's identity needs (pure): a ServiceAccount token of the identity
 * service's own audience, which the kubelet rotates, and a tmpfs for the key, which never touches
 * the node's disk.
 */
final class ProxyVolumes {
  static final String TOKEN_VOLUME = "fulcrum-identity-token";
  static final String KEY_VOLUME = "fulcrum-identity";
  static final String TOKEN_DIR = "/var/run/secrets/fulcrum.io/identity";
  static final String TOKEN_FILE = TOKEN_DIR + "/token";
  static final String KEY_DIR = "/var/run/fulcrum/identity";
  /** An hour: the kubelet renews it at 80%; the proxy reads it afresh for each certificate. */
  static final long TOKEN_SECONDS = 3600;

  private ProxyVolumes() {}

  static List<Volume> volumes() {
    return List.of(
        new VolumeBuilder().withName(TOKEN_VOLUME).withNewProjected().addNewSource().withNewServiceAccountToken()
            .withAudience(MeshTls.TOKEN_AUDIENCE).withExpirationSeconds(TOKEN_SECONDS).withPath("token")
            .endServiceAccountToken().endSource().endProjected().build(),
        new VolumeBuilder().withName(KEY_VOLUME).withNewEmptyDir().withMedium("Memory")
            .withSizeLimit(new Quantity("1Mi")).endEmptyDir().build());
  }

  static List<VolumeMount> mounts() {
    return List.of(
        new VolumeMountBuilder().withName(TOKEN_VOLUME).withMountPath(TOKEN_DIR).withReadOnly(true).build(),
        new VolumeMountBuilder().withName(KEY_VOLUME).withMountPath(KEY_DIR).build());
  }

  /** The operations that add the volumes to {@code pod}. */
  static List<PatchOperation> patch(Pod pod) {
    if (InjectionPolicy.orEmpty(pod.getSpec().getVolumes()).isEmpty()) {
      return List.of(PatchOperation.add("/spec/volumes", volumes()));
    }
    return volumes().stream().map(volume -> PatchOperation.add("/spec/volumes/-", volume)).toList();
  }
}
