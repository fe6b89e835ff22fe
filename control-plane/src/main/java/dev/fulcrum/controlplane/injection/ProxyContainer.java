package dev.fulcrum.controlplane.injection;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.ProxyFlags;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.capture.CaptureSettings;
import dev.fulcrum.contract.capture.OpaquePorts;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The proxy container injected into a pod (pure). */
public final class ProxyContainer {
  public static final String NAME = "fulcrum-proxy";
  /** At most 15 characters, as Kubernetes wants port names. */
  public static final String ADMIN_PORT_NAME = "fulcrum-admin";
  public static final String INBOUND_PORT_NAME = "fulcrum-inbound";

  private ProxyContainer() {}

  /** The proxy among the pod's containers or init containers (where a native sidecar is), if it has one. */
  public static Optional<Container> find(PodSpec spec) {
    return named(spec, NAME);
  }

  /** The pod's container or init container {@code name}, if it has one. */
  static Optional<Container> named(PodSpec spec, String name) {
    return Stream.concat(InjectionPolicy.orEmpty(spec.getContainers()).stream(),
            InjectionPolicy.orEmpty(spec.getInitContainers()).stream())
        .filter(container -> name.equals(container.getName()))
        .findFirst();
  }

  /** The number of the proxy's port named {@code name} in {@code spec}, if the pod has the proxy and it declares one. */
  public static Optional<Integer> port(PodSpec spec, String name) {
    return find(spec).flatMap(container -> InjectionPolicy.orEmpty(container.getPorts()).stream()
        .filter(port -> name.equals(port.getName()) && port.getContainerPort() != null)
        .map(ContainerPort::getContainerPort)
        .findFirst());
  }

  /**
   * The proxy for {@code settings} as {@code decision} has it: ports, service and CPU. It listens
   * for the application on loopback only; its admin endpoint listens on the pod's IP, where the
   * kubelet probes it and the control plane's dashboard polls it (the proxy advertises that IP when
   * it connects). The proxy makes its own grpc-xds bootstrap from {@code --xds-server}, and its
   * node id from the host name, which in a pod is the pod's name: nothing to mount. With the pod's
   * traffic captured it is told so, and its outbound side still listens on 127.0.0.1, where the
   * capture sends connections (and applications may still dial it).
   */
  public static Container of(SidecarSettings settings, Decision.Inject decision) {
    List<String> args = new ArrayList<>(List.of(ProxyFlags.COMMAND,
        ProxyFlags.LISTEN_ADDRESS, "127.0.0.1",
        ProxyFlags.LISTEN_PORT, String.valueOf(decision.outboundPort()),
        ProxyFlags.XDS_SERVER, settings.xdsServer(),
        ProxyFlags.ADMIN_ADDRESS, "0.0.0.0",
        ProxyFlags.ADMIN_PORT, String.valueOf(decision.adminPort()),
        // As many network threads as its CPU limit can keep busy.
        ProxyFlags.IO_THREADS, String.valueOf(decision.cpu().ioThreads())));
    decision.capture().ifPresent(capture -> {
      args.add(ProxyFlags.CAPTURED);
      capture.opaquePorts().ifPresent(ports -> args.addAll(List.of(OpaquePorts.FLAG, ports.toString())));
    });
    decision.service().ifPresent(service -> args.addAll(List.of(ProxyFlags.SERVICE, service)));
    // Its identity is the pod's service account, proved by the projected token; its key on a tmpfs.
    decision.identity().ifPresent(identity -> args.addAll(List.of(ProxyFlags.IDENTITY, identity,
        ProxyFlags.IDENTITY_TOKEN_FILE, ProxyVolumes.TOKEN_FILE,
        ProxyFlags.IDENTITY_DIR, ProxyVolumes.KEY_DIR)));
    decision.inbound().ifPresent(inbound -> {
      args.addAll(List.of(
          ProxyFlags.INBOUND_PORT, String.valueOf(inbound.port()),
          ProxyFlags.APP_PORT, String.valueOf(inbound.appPort()),
          ProxyFlags.INBOUND_TLS, inbound.tls().yamlName()));
      inbound.defaultPolicy().ifPresent(policy -> args.addAll(List.of(DefaultInboundPolicy.FLAG, policy.yamlName())));
    });
    settings.otlpEndpoint().ifPresent(endpoint -> args.addAll(List.of(
        ProxyFlags.OTLP_ENDPOINT, endpoint, ProxyFlags.TRACE_SAMPLING, String.valueOf(settings.traceSampling()))));
    ContainerBuilder container = new ContainerBuilder()
        .withName(NAME)
        .withImage(settings.image())
        .withImagePullPolicy("IfNotPresent")
        .withArgs(args)
        .addNewPort()
          .withName(ADMIN_PORT_NAME).withContainerPort(decision.adminPort()).withProtocol("TCP")
        .endPort()
        .withVolumeMounts(decision.identity().isPresent() ? ProxyVolumes.mounts() : List.of())
        // Ready once it has started serving; alive while its admin endpoint answers.
        .withReadinessProbe(probe(AdminPaths.READY, decision.adminPort(), 1, 5))
        .withLivenessProbe(probe(AdminPaths.LIVE, decision.adminPort(), 10, 10))
        .withResources(resources(decision.cpu()))
        // The image's non-root user (deploy/images), which the capture leaves alone: say so, and
        // the kubelet checks it. No capability: the init container had what capture needs.
        .withNewSecurityContext()
          .withRunAsUser((long) CaptureSettings.DEFAULT_PROXY_UID)
          .withRunAsNonRoot(true)
          .withAllowPrivilegeEscalation(false)
          .withNewCapabilities().withDrop(List.of("ALL")).endCapabilities()
        .endSecurityContext();
    if (decision.nativeSidecar()) {
      // An init container that keeps running; the kubelet starts the pod's next containers once
      // this probe passes, that is once the proxy has its configuration (up to 2 minutes).
      container.withRestartPolicy("Always")
          .withStartupProbe(new ProbeBuilder(probe(AdminPaths.READY, decision.adminPort(), 0, 1)).withFailureThreshold(120).build());
    }
    decision.inbound().ifPresent(inbound -> container.addNewPort()
        .withName(INBOUND_PORT_NAME).withContainerPort(inbound.port()).withProtocol("TCP").endPort());
    return container.build();
  }

  /** The proxy's requests and limits, its CPU as {@code cpu} says. */
  static ResourceRequirements resources(ProxyCpu cpu) {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", cpu.request())
        .addToRequests("memory", new Quantity("128Mi"))
        .addToLimits("cpu", cpu.limit())
        .addToLimits("memory", new Quantity("256Mi"))
        .build();
  }

  private static Probe probe(String path, int port, int initialDelaySeconds, int periodSeconds) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withPort(new IntOrString(port)).endHttpGet()
        .withInitialDelaySeconds(initialDelaySeconds)
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(3)
        .build();
  }
}
