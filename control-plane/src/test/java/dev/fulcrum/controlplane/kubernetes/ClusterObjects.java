package dev.fulcrum.controlplane.kubernetes;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.Arrays;
import java.util.List;

/** Services and EndpointSlices as the API server holds them, for tests. */
final class ClusterObjects {
  static final EndpointConditions READY = new EndpointConditions(true, true, false);
  static final EndpointConditions NOT_READY = new EndpointConditions(false, false, false);
  static final EndpointConditions TERMINATING = new EndpointConditions(false, true, true);

  private ClusterObjects() {}

  /** One endpoint of a slice: its address and conditions, and the pod it is ({@code targetRef}) if named. */
  record Pod(String address, EndpointConditions conditions, String name) {
    Pod(String address, EndpointConditions conditions) {
      this(address, conditions, null);
    }
  }

  static Pod pod(String address) {
    return new Pod(address, READY);
  }

  static ServicePort port(String name, int port, IntOrString targetPort) {
    return new ServicePortBuilder().withName(name).withPort(port).withTargetPort(targetPort).withProtocol("TCP").build();
  }

  static Service service(String namespace, String name, ServicePort... ports) {
    return new ServiceBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec().withType("ClusterIP").withPorts(Arrays.asList(ports)).endSpec()
        .build();
  }

  /** A slice of {@code service} whose port named {@code portName} is {@code port} on each pod. */
  static EndpointSlice slice(String namespace, String service, String sliceName, String portName, int port, Pod... pods) {
    return new EndpointSliceBuilder()
        .withNewMetadata().withNamespace(namespace).withName(sliceName)
            .addToLabels(ClusterCache.SERVICE_NAME_LABEL, service).endMetadata()
        .withAddressType("IPv4")
        .withPorts(new EndpointPortBuilder().withName(portName).withPort(port).withProtocol("TCP").build())
        .withEndpoints(Arrays.stream(pods).map(pod -> new EndpointBuilder()
            .withAddresses(pod.address())
            .withConditions(pod.conditions())
            .withTargetRef(pod.name() == null ? null
                : new ObjectReferenceBuilder().withKind("Pod").withName(pod.name()).build())
            .build()).toList())
        .build();
  }

  static List<Pod> pods(String... addresses) {
    return Arrays.stream(addresses).map(ClusterObjects::pod).toList();
  }
}
