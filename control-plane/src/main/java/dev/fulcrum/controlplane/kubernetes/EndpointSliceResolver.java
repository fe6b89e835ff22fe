package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.controlplane.kubernetes.KubernetesNames.ServiceName;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.EndpointResolver;
import dev.fulcrum.controlplane.mesh.Target;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Kubernetes mode's resolver: a target is a Service ({@code name.ns}, as {@link KubernetesNames}
 * qualifies it) and a port of that Service; its endpoints are the addresses of the EndpointSlices
 * labelled with the Service's name, at the port the slices give for that Service port (its
 * {@code targetPort}, by number or by name, resolved per pod). Ready endpoints take calls; serving
 * but terminating ones are sent as draining; the rest are left out. An endpoint whose pod
 * ({@code targetRef}) has Fulcrum's sidecar is meshed: it carries the sidecar's inbound port and
 * identity.
 */
final class EndpointSliceResolver implements EndpointResolver {
  private final ClusterCache cache;
  private final KubernetesNames names;
  private final Sidecars sidecars;

  /** The inbound side of a pod's sidecar, if the pod has one. Read from a cache: must not block. */
  @FunctionalInterface
  interface Sidecars {
    Sidecars NONE = (namespace, pod) -> Optional.empty();

    Optional<Endpoint.Inbound> inboundOf(String namespace, String pod);
  }

  EndpointSliceResolver(ClusterCache cache, KubernetesNames names, Sidecars sidecars) {
    this.cache = cache;
    this.names = names;
    this.sidecars = sidecars;
  }

  @Override
  public List<Endpoint> resolve(Target target) throws UnresolvedTargetException {
    // Targets arrive qualified (name.ns); the namespace argument only matters for a bare name.
    ServiceName name = names.service(target.name(), "default").orElseThrow(() -> new UnresolvedTargetException(
        "'" + target.name() + "' is not a Service name (name, name.namespace or name.namespace.svc.<cluster domain>)"));
    Service service = cache.service(name).orElseThrow(() ->
        new UnresolvedTargetException("Service " + name + " not found"));
    return endpoints(service, target.port(), cache.endpointSlices(name), sidecars);
  }

  /** The endpoints of {@code service}'s port {@code port} in {@code slices}, none of them meshed. */
  static List<Endpoint> endpoints(Service service, int port, List<EndpointSlice> slices) throws UnresolvedTargetException {
    return endpoints(service, port, slices, Sidecars.NONE);
  }

  /** The endpoints of {@code service}'s port {@code port} in {@code slices}, meshed where {@code sidecars} says. */
  static List<Endpoint> endpoints(Service service, int port, List<EndpointSlice> slices, Sidecars sidecars)
      throws UnresolvedTargetException {
    String name = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
    if ("ExternalName".equals(service.getSpec().getType())) {
      throw new UnresolvedTargetException("Service " + name + " is an ExternalName Service, which has no endpoints");
    }
    List<ServicePort> ports = Optional.ofNullable(service.getSpec().getPorts()).orElse(List.of());
    ServicePort servicePort = ports.stream().filter(p -> Objects.equals(p.getPort(), port)).findFirst()
        .orElseThrow(() -> new UnresolvedTargetException("Service " + name + " has no port " + port + " (its ports: "
            + ports.stream().map(p -> String.valueOf(p.getPort())).collect(Collectors.joining(", ")) + ")"));
    Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    for (EndpointSlice slice : slices) {
      if (!"IPv4".equals(slice.getAddressType()) && !"IPv6".equals(slice.getAddressType())) {
        continue; // FQDN slices name hosts, not addresses
      }
      Optional<Integer> endpointPort = endpointPort(servicePort, slice.getPorts());
      if (endpointPort.isEmpty() || slice.getEndpoints() == null) {
        continue;
      }
      for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint : slice.getEndpoints()) {
        Optional<Endpoint.Health> health = health(endpoint.getConditions());
        if (health.isEmpty() || endpoint.getAddresses() == null) {
          continue;
        }
        Optional<Endpoint.Inbound> inbound = inbound(endpoint.getTargetRef(), slice.getMetadata().getNamespace(), sidecars);
        for (String address : endpoint.getAddresses()) {
          // One pod may appear in two slices for a moment during a rewrite: keep the healthier entry.
          endpoints.merge(address, new Endpoint(address, endpointPort.get(), health.get(), inbound),
              (a, b) -> a.healthy() ? a : b);
        }
      }
    }
    return List.copyOf(endpoints.values());
  }

  /** The sidecar of the pod an endpoint is, if any (a targetRef may leave out the namespace: then the slice's). */
  private static Optional<Endpoint.Inbound> inbound(ObjectReference targetRef, String sliceNamespace, Sidecars sidecars) {
    if (targetRef == null || !"Pod".equals(targetRef.getKind()) || targetRef.getName() == null) {
      return Optional.empty();
    }
    return sidecars.inboundOf(Objects.requireNonNullElse(targetRef.getNamespace(), sliceNamespace), targetRef.getName());
  }

  /**
   * The slice's port for the Service port: slices name their ports after the Service's ports
   * (both unnamed when the Service has one unnamed port). A slice port without a number means
   * "every port": then the Service's numeric targetPort (or its port) is the one.
   */
  private static Optional<Integer> endpointPort(ServicePort servicePort, List<EndpointPort> slicePorts) {
    String wanted = Objects.requireNonNullElse(servicePort.getName(), "");
    Optional<EndpointPort> match = Optional.ofNullable(slicePorts).orElse(List.of()).stream()
        .filter(p -> wanted.equals(Objects.requireNonNullElse(p.getName(), "")))
        .findFirst();
    if (match.isEmpty() || match.get().getPort() != null) {
      return match.map(EndpointPort::getPort);
    }
    IntOrString targetPort = servicePort.getTargetPort();
    return targetPort == null ? Optional.of(servicePort.getPort()) : Optional.ofNullable(targetPort.getIntVal());
  }

  /**
   * Ready takes calls; serving and terminating drains; anything else is left out. A missing
   * condition is read as the API documents it: ready and serving mean true, terminating false.
   */
  static Optional<Endpoint.Health> health(EndpointConditions conditions) {
    boolean ready = conditions == null || !Boolean.FALSE.equals(conditions.getReady());
    boolean serving = conditions == null || conditions.getServing() == null ? ready : conditions.getServing();
    boolean terminating = conditions != null && Boolean.TRUE.equals(conditions.getTerminating());
    if (ready) {
      return Optional.of(Endpoint.Health.HEALTHY);
    }
    return serving && terminating ? Optional.of(Endpoint.Health.DRAINING) : Optional.empty();
  }
}
