package dev.fulcrum.controlplane.xds;

import static dev.fulcrum.controlplane.xds.Fixtures.SEED_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UInt32Value;
import dev.fulcrum.controlplane.mesh.MeshModel;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XdsResourceValidatorTest {
  private final XdsResourceValidator validator = new XdsResourceValidator();
  private final XdsResources seed = Fixtures.translate(Fixtures.seedModel());

  private static <T> Map<String, T> without(Map<String, T> map, String name) {
    Map<String, T> copy = new HashMap<>(map);
    copy.remove(name);
    return copy;
  }

  private static <T> Map<String, T> with(Map<String, T> map, String name, T value) {
    Map<String, T> copy = new HashMap<>(map);
    copy.put(name, value);
    return copy;
  }

  private XdsResources withListener(Listener listener) {
    return new XdsResources(with(seed.listeners(), SEED_NAME, listener), seed.routes(), seed.clusters(), seed.endpoints());
  }

  private XdsResources withCluster(Cluster cluster) {
    return new XdsResources(seed.listeners(), seed.routes(), with(seed.clusters(), SEED_NAME, cluster), seed.endpoints());
  }

  private XdsResources withAssignment(ClusterLoadAssignment assignment) {
    return new XdsResources(seed.listeners(), seed.routes(), seed.clusters(), with(seed.endpoints(), SEED_NAME, assignment));
  }

  private HttpConnectionManager manager() throws InvalidProtocolBufferException {
    return seed.listeners().get(SEED_NAME).getApiListener().getApiListener().unpack(HttpConnectionManager.class);
  }

  private Listener listenerWith(HttpConnectionManager manager) {
    return seed.listeners().get(SEED_NAME).toBuilder()
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(manager)))
        .build();
  }

  @Test
  void theTranslatorsOutputIsValid() {
    assertEquals(List.of(), validator.validate(seed));
    assertEquals(List.of(), validator.validate(Fixtures.translate(MeshModel.EMPTY)));
    assertEquals(List.of(), validator.validate(Fixtures.translate(Fixtures.model(
        List.of(Fixtures.seedLink(), Fixtures.otherLink(), Fixtures.thirdLink()), Map.of()))));
  }

  @Test
  void aListenerPointingToAMissingRoute() {
    XdsResources broken = new XdsResources(seed.listeners(), without(seed.routes(), SEED_NAME), seed.clusters(), seed.endpoints());

    assertEquals(List.of("Listener " + SEED_NAME + ": refers to RouteConfiguration '" + SEED_NAME + "', which does not exist"),
        validator.validate(broken));
  }

  @Test
  void aRouteToAMissingCluster() {
    XdsResources broken = new XdsResources(seed.listeners(), seed.routes(), without(seed.clusters(), SEED_NAME), seed.endpoints());

    assertEquals(List.of("RouteConfiguration " + SEED_NAME + ": routes to Cluster '" + SEED_NAME + "', which does not exist"),
        validator.validate(broken));
  }

  @Test
  void aClusterWithoutAssignment() {
    XdsResources broken = new XdsResources(seed.listeners(), seed.routes(), seed.clusters(), without(seed.endpoints(), SEED_NAME));

    assertEquals(List.of("Cluster " + SEED_NAME + ": has no ClusterLoadAssignment"), validator.validate(broken));
  }

  @Test
  void aClusterWhoseServiceNameHasNoAssignment() {
    Cluster cluster = seed.clusters().get(SEED_NAME).toBuilder()
        .setEdsClusterConfig(seed.clusters().get(SEED_NAME).getEdsClusterConfig().toBuilder().setServiceName("elsewhere"))
        .build();

    assertEquals(List.of("Cluster " + SEED_NAME + ": has no ClusterLoadAssignment"), validator.validate(withCluster(cluster)));
  }

  @Test
  void aLocalityWithWeightZero() {
    ClusterLoadAssignment assignment = seed.endpoints().get(SEED_NAME).toBuilder()
        .setEndpoints(0, seed.endpoints().get(SEED_NAME).getEndpoints(0).toBuilder().setLoadBalancingWeight(UInt32Value.of(0)))
        .build();

    assertEquals(List.of("ClusterLoadAssignment " + SEED_NAME + ": a locality without load_balancing_weight would be dropped"),
        validator.validate(withAssignment(assignment)));
  }

  @Test
  void aLocalityWithoutWeight() {
    ClusterLoadAssignment assignment = seed.endpoints().get(SEED_NAME).toBuilder()
        .setEndpoints(0, seed.endpoints().get(SEED_NAME).getEndpoints(0).toBuilder().clearLoadBalancingWeight())
        .build();

    assertEquals(List.of("ClusterLoadAssignment " + SEED_NAME + ": a locality without load_balancing_weight would be dropped"),
        validator.validate(withAssignment(assignment)));
  }

  @Test
  void aDuplicateEndpointAddress() {
    ClusterLoadAssignment original = seed.endpoints().get(SEED_NAME);
    ClusterLoadAssignment assignment = original.toBuilder()
        .setEndpoints(0, original.getEndpoints(0).toBuilder().addLbEndpoints(original.getEndpoints(0).getLbEndpoints(0)))
        .build();

    assertEquals(List.of("ClusterLoadAssignment " + SEED_NAME + ": endpoint 10.0.0.1:7001 is listed twice"),
        validator.validate(withAssignment(assignment)));
  }

  @Test
  void aDuplicateEndpointAcrossLocalities() {
    ClusterLoadAssignment original = seed.endpoints().get(SEED_NAME);
    ClusterLoadAssignment assignment = original.toBuilder().addEndpoints(original.getEndpoints(0)).build();

    assertEquals(List.of(
            "ClusterLoadAssignment " + SEED_NAME + ": endpoint 10.0.0.1:7001 is listed twice",
            "ClusterLoadAssignment " + SEED_NAME + ": endpoint 10.0.0.2:7002 is listed twice"),
        validator.validate(withAssignment(assignment)));
  }

  @Test
  void anEndpointWithoutPort() {
    ClusterLoadAssignment original = seed.endpoints().get(SEED_NAME);
    var locality = original.getEndpoints(0).toBuilder();
    locality.getLbEndpointsBuilder(1).getEndpointBuilder().getAddressBuilder().getSocketAddressBuilder().setPortValue(0);
    ClusterLoadAssignment assignment = original.toBuilder().setEndpoints(0, locality).build();

    assertEquals(List.of("ClusterLoadAssignment " + SEED_NAME + ": endpoint '10.0.0.2:0' is not an address and port"),
        validator.validate(withAssignment(assignment)));
  }

  @Test
  void lbPolicyRandom() {
    Cluster cluster = seed.clusters().get(SEED_NAME).toBuilder().setLbPolicy(Cluster.LbPolicy.RANDOM).build();

    assertEquals(List.of("Cluster " + SEED_NAME + ": lb_policy RANDOM is not supported by gRPC clients"),
        validator.validate(withCluster(cluster)));
  }

  @Test
  void lbPoliciesGrpcKnows() {
    for (Cluster.LbPolicy policy : List.of(Cluster.LbPolicy.ROUND_ROBIN, Cluster.LbPolicy.LEAST_REQUEST, Cluster.LbPolicy.RING_HASH)) {
      Cluster cluster = seed.clusters().get(SEED_NAME).toBuilder().setLbPolicy(policy).build();
      assertEquals(List.of(), validator.validate(withCluster(cluster)), policy.name());
    }
  }

  @Test
  void aClusterThatIsNotEds() {
    Cluster cluster = seed.clusters().get(SEED_NAME).toBuilder().setType(Cluster.DiscoveryType.STATIC).build();

    assertEquals(List.of("Cluster " + SEED_NAME + ": must be of type EDS"), validator.validate(withCluster(cluster)));
  }

  @Test
  void theRouterFilterNotLast() throws Exception {
    HttpFilter router = manager().getHttpFilters(0);
    HttpFilter other = HttpFilter.newBuilder().setName("example.filter").setTypedConfig(Any.pack(Empty.getDefaultInstance())).build();
    Listener listener = listenerWith(manager().toBuilder().clearHttpFilters().addHttpFilters(router).addHttpFilters(other).build());

    assertEquals(List.of("Listener " + SEED_NAME + ": http_filters must end with the router filter"),
        validator.validate(withListener(listener)));
  }

  @Test
  void noHttpFilters() throws Exception {
    Listener listener = listenerWith(manager().toBuilder().clearHttpFilters().build());

    assertEquals(List.of("Listener " + SEED_NAME + ": http_filters must end with the router filter"),
        validator.validate(withListener(listener)));
  }

  @Test
  void anApiListenerThatIsNotAnHttpConnectionManager() {
    Listener listener = seed.listeners().get(SEED_NAME).toBuilder()
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(Empty.getDefaultInstance())))
        .build();

    assertEquals(List.of("Listener " + SEED_NAME + ": api_listener is not an HttpConnectionManager"),
        validator.validate(withListener(listener)));
  }

  @Test
  void aListenerStoredUnderAnotherName() {
    Listener listener = seed.listeners().get(SEED_NAME).toBuilder().setName("renamed:1").build();

    assertEquals(List.of("Listener " + SEED_NAME + ": named 'renamed:1'"), validator.validate(withListener(listener)));
  }

  @Test
  void aRouteConfigurationWithoutVirtualHosts() {
    XdsResources broken = new XdsResources(seed.listeners(),
        with(seed.routes(), SEED_NAME, RouteConfiguration.newBuilder().setName(SEED_NAME).build()),
        seed.clusters(), seed.endpoints());

    assertEquals(List.of("RouteConfiguration " + SEED_NAME + ": has no virtual host"), validator.validate(broken));
  }

  @Test
  void everyProblemIsReported() {
    Cluster cluster = seed.clusters().get(SEED_NAME).toBuilder().setLbPolicy(Cluster.LbPolicy.RANDOM).build();
    XdsResources broken = new XdsResources(seed.listeners(), without(seed.routes(), SEED_NAME),
        with(seed.clusters(), SEED_NAME, cluster), without(seed.endpoints(), SEED_NAME));

    assertEquals(List.of(
            "Listener " + SEED_NAME + ": refers to RouteConfiguration '" + SEED_NAME + "', which does not exist",
            "Cluster " + SEED_NAME + ": has no ClusterLoadAssignment",
            "Cluster " + SEED_NAME + ": lb_policy RANDOM is not supported by gRPC clients"),
        validator.validate(broken));
  }
}
