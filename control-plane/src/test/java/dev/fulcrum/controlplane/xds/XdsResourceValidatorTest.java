package dev.fulcrum.controlplane.xds;

import static dev.fulcrum.controlplane.xds.Fixtures.SEED_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.xds.type.v3.TypedStruct;
import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import dev.fulcrum.controlplane.mesh.MeshLink;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.Seed;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
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
    Cluster cluster = seed.clusters().get(SEED_NAME).toBuilder()
        .clearLoadBalancingPolicy().setLbPolicy(Cluster.LbPolicy.RANDOM).build();

    assertEquals(List.of("Cluster " + SEED_NAME + ": lb_policy RANDOM is not supported by gRPC clients"),
        validator.validate(withCluster(cluster)));
  }

  @Test
  void loadBalancingPolicyTakesPrecedenceOverLbPolicy() {
    // grpc-xds reads load_balancing_policy when it is set, and ignores lb_policy then.
    Cluster cluster = seed.clusters().get(SEED_NAME).toBuilder().setLbPolicy(Cluster.LbPolicy.RANDOM).build();

    assertEquals(List.of(), validator.validate(withCluster(cluster)));
  }

  @Test
  void lbPoliciesGrpcKnows() {
    for (Cluster.LbPolicy policy : List.of(Cluster.LbPolicy.ROUND_ROBIN, Cluster.LbPolicy.LEAST_REQUEST, Cluster.LbPolicy.RING_HASH)) {
      Cluster cluster = seed.clusters().get(SEED_NAME).toBuilder().clearLoadBalancingPolicy().setLbPolicy(policy).build();
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

  private XdsResources withRouteAction(RouteAction action) {
    RouteConfiguration original = seed.routes().get(SEED_NAME);
    VirtualHost host = original.getVirtualHosts(0).toBuilder()
        .setRoutes(0, original.getVirtualHosts(0).getRoutes(0).toBuilder().setRoute(action))
        .build();
    RouteConfiguration route = original.toBuilder().setVirtualHosts(0, host).build();
    return new XdsResources(seed.listeners(), with(seed.routes(), SEED_NAME, route), seed.clusters(), seed.endpoints());
  }

  private static WeightedCluster.ClusterWeight weight(String cluster, int weight) {
    return WeightedCluster.ClusterWeight.newBuilder().setName(cluster).setWeight(UInt32Value.of(weight)).build();
  }

  @Test
  void weightedClustersThatExist() {
    RouteAction action = RouteAction.newBuilder()
        .setWeightedClusters(WeightedCluster.newBuilder().addClusters(weight(SEED_NAME, 1)))
        .build();

    assertEquals(List.of(), validator.validate(withRouteAction(action)));
  }

  @Test
  void aWeightedClusterThatDoesNotExist() {
    RouteAction action = RouteAction.newBuilder()
        .setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(weight(SEED_NAME, 90))
            .addClusters(weight("missing:1", 10)))
        .build();

    assertEquals(List.of("RouteConfiguration " + SEED_NAME + ": routes to Cluster 'missing:1', which does not exist"),
        validator.validate(withRouteAction(action)));
  }

  @Test
  void weightedClustersWithoutAnyCluster() {
    RouteAction action = RouteAction.newBuilder().setWeightedClusters(WeightedCluster.getDefaultInstance()).build();

    assertEquals(List.of("RouteConfiguration " + SEED_NAME + ": a route splits traffic between no clusters"),
        validator.validate(withRouteAction(action)));
  }

  private static LoadBalancingPolicy.Policy policy(String name, Message config) {
    return LoadBalancingPolicy.Policy.newBuilder()
        .setTypedExtensionConfig(TypedExtensionConfig.newBuilder().setName(name).setTypedConfig(Any.pack(config)))
        .build();
  }

  private static final LoadBalancingPolicy.Policy CUSTOM = policy("fulcrum.least_loaded",
      TypedStruct.newBuilder().setTypeUrl("type.googleapis.com/fulcrum.least_loaded").build());

  private Cluster clusterWith(LoadBalancingPolicy.Policy... policies) {
    return seed.clusters().get(SEED_NAME).toBuilder()
        .setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder().addAllPolicies(List.of(policies)))
        .build();
  }

  @Test
  void aLoadBalancingPolicyEndingWithABuiltIn() {
    assertEquals(List.of(), validator.validate(withCluster(clusterWith(CUSTOM,
        policy("envoy.load_balancing_policies.least_request", LeastRequest.getDefaultInstance())))));
    assertEquals(List.of(), validator.validate(withCluster(clusterWith(CUSTOM,
        policy("envoy.load_balancing_policies.round_robin", RoundRobin.getDefaultInstance())))));
    assertEquals(List.of(), validator.validate(withCluster(clusterWith(
        policy("envoy.load_balancing_policies.round_robin", RoundRobin.getDefaultInstance())))));
  }

  @Test
  void aLoadBalancingPolicyWithOnlyACustomPolicy() {
    assertEquals(List.of("Cluster " + SEED_NAME + ": load_balancing_policy must end with a policy every gRPC client has"),
        validator.validate(withCluster(clusterWith(CUSTOM))));
  }

  @Test
  void aLoadBalancingPolicyEndingWithACustomPolicy() {
    assertEquals(List.of("Cluster " + SEED_NAME + ": load_balancing_policy must end with a policy every gRPC client has"),
        validator.validate(withCluster(clusterWith(
            policy("envoy.load_balancing_policies.round_robin", RoundRobin.getDefaultInstance()), CUSTOM))));
  }

  @Test
  void anEmptyLoadBalancingPolicy() {
    assertEquals(List.of("Cluster " + SEED_NAME + ": load_balancing_policy must end with a policy every gRPC client has"),
        validator.validate(withCluster(clusterWith())));
  }

  @Test
  void theTranslatorsOutputIsValidForEveryStrategyRouteAndWeight() {
    String yaml = Seed.YAML
        .replace("{name: grpc-service-v1, port: 7001}", "{name: grpc-service-v1, port: 7001, weight: 9}")
        .replace("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v2, port: 7002, weight: 1}")
        + """
          routes:
            - method: /pkg.Svc/Get
              target: [{name: other-backend, port: 9090}]
            - method: /pkg.Svc/*
              target: [{name: third-backend, port: 8080}, {name: grpc-service-v1, port: 7001}]
              policy: {retries: 0}
        """;
    for (String strategy : List.of("round-robin", "least-loaded", "random", "peak-ewma")) {
      MeshLink link = Fixtures.link(yaml.replace("strategy: round-robin", "strategy: " + strategy));
      XdsResources resources = Fixtures.translate(Fixtures.model(List.of(link, Fixtures.otherLink()), Map.of()));
      assertEquals(5, resources.clusters().size(), resources.clusters().keySet().toString());
      assertEquals(List.of(), validator.validate(resources), strategy);
    }
  }


  @Test
  void everyProblemIsReported() {
    Cluster cluster = seed.clusters().get(SEED_NAME).toBuilder()
        .clearLoadBalancingPolicy().setLbPolicy(Cluster.LbPolicy.RANDOM).build();
    XdsResources broken = new XdsResources(seed.listeners(), without(seed.routes(), SEED_NAME),
        with(seed.clusters(), SEED_NAME, cluster), without(seed.endpoints(), SEED_NAME));

    assertEquals(List.of(
            "Listener " + SEED_NAME + ": refers to RouteConfiguration '" + SEED_NAME + "', which does not exist",
            "Cluster " + SEED_NAME + ": has no ClusterLoadAssignment",
            "Cluster " + SEED_NAME + ": lb_policy RANDOM is not supported by gRPC clients"),
        validator.validate(broken));
  }
}
