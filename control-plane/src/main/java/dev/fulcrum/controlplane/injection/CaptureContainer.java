package dev.fulcrum.controlplane.injection;

import dev.fulcrum.contract.capture.CaptureSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.util.List;

/**
 * The init container that captures the pod's traffic (pure): the proxy's image (its entrypoint the
 * {@code fulcrum} launcher) running {@code capture install} with the injector's settings, the
 * command line {@link CaptureSettings#installArgs} writes. iptables needs root with NET_ADMIN and
 * NET_RAW, and it has those and nothing else, for as long as the install takes; the proxy then
 * runs as {@link CaptureSettings#DEFAULT_PROXY_UID} with no capability at all.
 */
public final class CaptureContainer {
  public static final String NAME = "fulcrum-init";
  /** What iptables needs in the pod's network namespace: the nat table, and its raw sockets. */
  static final List<String> CAPABILITIES = List.of("NET_ADMIN", "NET_RAW");

  private CaptureContainer() {}

  /**
   * {@code capture} installed by {@code settings}' image. Sized as the proxy (its JVM is the
   * proxy's), so that the pod's requests, the larger of an init container's and the sum of the
   * others', do not grow; a failure's one line is the container's termination message.
   */
  public static Container of(SidecarSettings settings, CaptureSettings capture, ProxyCpu cpu) {
    return new ContainerBuilder()
        .withName(NAME)
        .withImage(settings.image())
        .withImagePullPolicy("IfNotPresent")
        .withArgs(capture.installArgs())
        .withResources(ProxyContainer.resources(cpu))
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withNewSecurityContext()
          .withRunAsUser(0L)
          .withRunAsNonRoot(false)
          .withAllowPrivilegeEscalation(false)
          .withNewCapabilities().withAdd(CAPABILITIES).withDrop(List.of("ALL")).endCapabilities()
        .endSecurityContext()
        .build();
  }
}
