package dev.fulcrum.controlplane.xds;

import static dev.fulcrum.controlplane.xds.Fixtures.SEED_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fulcrum.controlplane.mesh.Authority;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.Endpoint.Health;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.Seed;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What Kubernetes mode adds to the translation: Listeners for a service's other names, and draining endpoints. */
class AliasAndDrainingTranslationTest {

  @Test
  void eachAliasIsAListenerForTheSameRoutesAndADomainOfTheirVirtualHost() throws Exception {
    MeshModel base = Fixtures.seedModel();
    MeshModel model = new MeshModel(base.links(), base.endpoints(), List.of(), Map.of(), Map.of(),
        Map.of("default/my-grpc-service", List.of(new Authority("grpc-service", 50051))));
    XdsResources resources = Fixtures.translate(model);

    assertEquals(Set.of(SEED_NAME, "grpc-service:50051"), resources.listeners().keySet());
    HttpConnectionManager alias = resources.listeners().get("grpc-service:50051")
        .getApiListener().getApiListener().unpack(HttpConnectionManager.class);
    assertEquals(SEED_NAME, alias.getRds().getRouteConfigName());
    assertEquals(Set.of(SEED_NAME), resources.routes().keySet());
    assertEquals(List.of(SEED_NAME, "grpc-service.default.svc.cluster.local", "grpc-service:50051", "grpc-service"),
        resources.routes().get(SEED_NAME).getVirtualHosts(0).getDomainsList());
    assertEquals(Set.of(SEED_NAME), resources.clusters().keySet());
    assertEquals(List.of(), new XdsResourceValidator().validate(resources));
  }

  @Test
  void withoutAliasesNothingChanges() {
    assertEquals(Fixtures.translate(Fixtures.seedModel()), Fixtures.translate(new MeshModel(
        Fixtures.seedModel().links(), Fixtures.seedModel().endpoints(), List.of(), Map.of(), Map.of(), Map.of())));
  }

  @Test
  void aDrainingEndpointIsSentAsDraining() {
    MeshModel model = Fixtures.model(List.of(Fixtures.seedLink()), Map.of(
        Seed.V1, List.of(Fixtures.E1, new Endpoint("10.0.0.3", 7001, Health.DRAINING))));
    List<LbEndpoint> endpoints = Fixtures.translate(model).endpoints().get(SEED_NAME).getEndpoints(0).getLbEndpointsList();
    assertEquals(List.of(HealthStatus.HEALTHY, HealthStatus.DRAINING, HealthStatus.HEALTHY),
        endpoints.stream().map(LbEndpoint::getHealthStatus).toList());
  }

  @Test
  void anAddressListedHealthyAndDrainingIsListedOnceHealthy() {
    MeshModel model = Fixtures.model(List.of(Fixtures.seedLink()), Map.of(
        Seed.V1, List.of(new Endpoint("10.0.0.7", 7001, Health.DRAINING)),
        Seed.V2, List.of(new Endpoint("10.0.0.7", 7001))));
    List<LbEndpoint> endpoints = Fixtures.translate(model).endpoints().get(SEED_NAME).getEndpoints(0).getLbEndpointsList();
    assertEquals(1, endpoints.size());
    assertEquals(HealthStatus.HEALTHY, endpoints.get(0).getHealthStatus());
  }
}
