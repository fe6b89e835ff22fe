package dev.fulcrum.controlplane.kubernetes;

import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.NOT_READY;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.READY;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.TERMINATING;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.pod;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.port;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.service;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fulcrum.controlplane.kubernetes.ClusterObjects.Pod;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.Endpoint.Health;
import dev.fulcrum.controlplane.mesh.EndpointResolver.UnresolvedTargetException;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndpointSliceResolverTest {
  private static final Service GRPC = service("default", "grpc",
      port("grpc", 7001, new IntOrString("grpc-port")), port("admin", 9000, new IntOrString(9901)));

  @Test
  void mapsTheServicePortToTheSlicePortOfTheSameName() throws Exception {
    List<EndpointSlice> slices = List.of(
        slice("default", "grpc", "grpc-a", "grpc", 8443, pod("10.0.0.1"), pod("10.0.0.2")),
        slice("default", "grpc", "grpc-b", "admin", 9901, pod("10.0.0.1")));
    assertEquals(List.of(new Endpoint("10.0.0.1", 8443), new Endpoint("10.0.0.2", 8443)),
        EndpointSliceResolver.endpoints(GRPC, 7001, slices));
    assertEquals(List.of(new Endpoint("10.0.0.1", 9901)), EndpointSliceResolver.endpoints(GRPC, 9000, slices));
  }

  @Test
  void readyEndpointsTakeCallsTerminatingOnesDrainOthersAreLeftOut() throws Exception {
    List<EndpointSlice> slices = List.of(slice("default", "grpc", "grpc-a", "grpc", 8443,
        pod("10.0.0.1"), new Pod("10.0.0.2", NOT_READY), new Pod("10.0.0.3", TERMINATING)));
    assertEquals(List.of(new Endpoint("10.0.0.1", 8443), new Endpoint("10.0.0.3", 8443, Health.DRAINING)),
        EndpointSliceResolver.endpoints(GRPC, 7001, slices));
  }

  @Test
  void missingConditionsReadAsTheApiDocumentsThem() {
    assertEquals(Optional.of(Health.HEALTHY), EndpointSliceResolver.health(null));
    assertEquals(Optional.of(Health.HEALTHY), EndpointSliceResolver.health(new EndpointConditions(null, null, null)));
    assertEquals(Optional.empty(), EndpointSliceResolver.health(new EndpointConditions(false, null, null)));
    assertEquals(Optional.empty(), EndpointSliceResolver.health(new EndpointConditions(false, true, false)));
    assertEquals(Optional.of(Health.DRAINING), EndpointSliceResolver.health(new EndpointConditions(false, true, true)));
  }

  @Test
  void aPodInTwoSlicesDuringARewriteIsListedOnceHealthy() throws Exception {
    List<EndpointSlice> slices = List.of(
        slice("default", "grpc", "old", "grpc", 8443, new Pod("10.0.0.1", TERMINATING)),
        slice("default", "grpc", "new", "grpc", 8443, pod("10.0.0.1")));
    assertEquals(List.of(new Endpoint("10.0.0.1", 8443)), EndpointSliceResolver.endpoints(GRPC, 7001, slices));
  }

  @Test
  void anEndpointWhosePodHasASidecarIsMeshed() throws Exception {
    List<EndpointSlice> slices = List.of(slice("shop", "grpc", "grpc-a", "grpc", 8443,
        new Pod("10.0.0.1", READY, "grpc-7f9c-a"), new Pod("10.0.0.2", READY, "grpc-7f9c-b"), pod("10.0.0.3")));
    EndpointSliceResolver.Sidecars sidecars = (namespace, pod) -> namespace.equals("shop") && pod.equals("grpc-7f9c-a")
        ? Optional.of(new Endpoint.Inbound(4143, "shop/grpc")) : Optional.empty();
    assertEquals(List.of(
            new Endpoint("10.0.0.1", 8443, Health.HEALTHY, Optional.of(new Endpoint.Inbound(4143, "shop/grpc"))),
            new Endpoint("10.0.0.2", 8443), new Endpoint("10.0.0.3", 8443)),
        EndpointSliceResolver.endpoints(service("shop", "grpc", port("grpc", 7001, new IntOrString("grpc-port"))), 7001,
            slices, sidecars),
        "the pod is looked up in the slice's namespace; pods without a sidecar, or unnamed, are not meshed");
  }

  @Test
  void aPortTheServiceDoesNotHaveIsAnErrorNamingItsPorts() {
    UnresolvedTargetException e = assertThrows(UnresolvedTargetException.class,
        () -> EndpointSliceResolver.endpoints(GRPC, 7002, List.of()));
    assertEquals("Service default/grpc has no port 7002 (its ports: 7001, 9000)", e.getMessage());
  }

  @Test
  void aSlicePortWithoutNumberMeansTheNumericTargetPort() throws Exception {
    EndpointSlice allPorts = new EndpointSliceBuilder(slice("default", "grpc", "all", "admin", 1, pod("10.0.0.5")))
        .editFirstPort().withPort(null).endPort().build();
    assertEquals(List.of(new Endpoint("10.0.0.5", 9901)), EndpointSliceResolver.endpoints(GRPC, 9000, List.of(allPorts)));
  }

  @Test
  void fqdnSlicesAndExternalNameServicesGiveNoAddresses() throws Exception {
    EndpointSlice fqdn = new EndpointSliceBuilder(slice("default", "grpc", "fqdn", "grpc", 8443, pod("pod.example")))
        .withAddressType("FQDN").build();
    assertEquals(List.of(), EndpointSliceResolver.endpoints(GRPC, 7001, List.of(fqdn)));
    Service external = service("default", "ext", port("grpc", 7001, null));
    external.getSpec().setType("ExternalName");
    assertThrows(UnresolvedTargetException.class, () -> EndpointSliceResolver.endpoints(external, 7001, List.of()));
  }
}
