package dev.fulcrum.controlplane.xds;

import static dev.fulcrum.controlplane.xds.Fixtures.SEED_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.xds.type.v3.TypedStruct;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.Value;
import dev.fulcrum.contract.BalancingConfig;
import dev.fulcrum.contract.Strategy;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.MeshLink;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.Seed;
import dev.fulcrum.controlplane.mesh.Target;
import dev.fulcrum.contract.identity.MeshTls;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class XdsTranslatorTest {
  private static final String GOLDEN = "golden/seed-link.txtpb";
  private final XdsResources seed = Fixtures.translate(Fixtures.seedModel());

  private static void assertAds(ConfigSource source) {
    assertTrue(source.hasAds(), source.toString());
    assertEquals(ApiVersion.V3, source.getResourceApiVersion());
  }

  @Test
  void oneResourceOfEachTypePerLinkNamedAfterTheAuthority() {
    assertEquals(Set.of(SEED_NAME), seed.listeners().keySet());
    assertEquals(Set.of(SEED_NAME), seed.routes().keySet());
    assertEquals(Set.of(SEED_NAME), seed.clusters().keySet());
    assertEquals(Set.of(SEED_NAME), seed.endpoints().keySet());
    for (XdsType type : XdsType.values()) {
      assertEquals(Set.of(SEED_NAME), seed.ofType(type).keySet(), type.name());
    }
  }

  @Test
  void theListenerIsAnApiListenerFetchingItsRoutesOverAds() throws Exception {
    Listener listener = seed.listeners().get(SEED_NAME);

    assertEquals("grpc-service.default.svc.cluster.local:50051", listener.getName());
    assertTrue(listener.getApiListener().getApiListener().is(HttpConnectionManager.class));
    HttpConnectionManager manager = listener.getApiListener().getApiListener().unpack(HttpConnectionManager.class);
    assertTrue(manager.hasRds());
    assertEquals(SEED_NAME, manager.getRds().getRouteConfigName());
    assertAds(manager.getRds().getConfigSource());
    List<HttpFilter> filters = manager.getHttpFiltersList();
    assertFalse(filters.isEmpty());
    HttpFilter last = filters.get(filters.size() - 1);
    assertEquals("envoy.filters.http.router", last.getName());
    assertTrue(last.getTypedConfig().is(Router.class));
    assertEquals(Router.getDefaultInstance(), last.getTypedConfig().unpack(Router.class));
  }

  @Test
  void theRouteSendsEveryCallToTheClusterWithTheLinksPolicy() {
    RouteConfiguration config = seed.routes().get(SEED_NAME);

    assertEquals(SEED_NAME, config.getName());
    assertEquals(1, config.getVirtualHostsCount());
    VirtualHost host = config.getVirtualHosts(0);
    assertTrue(host.getDomainsList().contains("grpc-service.default.svc.cluster.local:50051"), host.getDomainsList().toString());
    assertEquals(1, host.getRoutesCount());
    Route route = host.getRoutes(0);
    assertEquals("", route.getMatch().getPrefix());
    RouteAction action = route.getRoute();
    assertEquals(SEED_NAME, action.getCluster());
    assertEquals(com.google.protobuf.Duration.newBuilder().setSeconds(5).build(),
        action.getMaxStreamDuration().getGrpcTimeoutHeaderMax());
    assertEquals("cancelled,deadline-exceeded", action.getRetryPolicy().getRetryOn());
    assertTrue(action.getRetryPolicy().hasNumRetries());
    assertEquals(2, action.getRetryPolicy().getNumRetries().getValue());
  }

  @Test
  void subSecondTimeoutsKeepTheirNanos() {
    MeshLink link = Fixtures.link(Seed.YAML.replace("request-timeout: 5s", "request-timeout: 1.25s"));
    RouteAction action = XdsTranslator.routeConfiguration(link, new LinkedHashMap<>()).getVirtualHosts(0).getRoutes(0).getRoute();

    assertEquals(com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(250_000_000).build(),
        action.getMaxStreamDuration().getGrpcTimeoutHeaderMax());
  }

  @Test
  void aLinkWithoutPolicyHasNoTimeoutAndNoRetries() {
    MeshLink link = Fixtures.otherLink();
    RouteAction action = XdsTranslator.routeConfiguration(link, new LinkedHashMap<>())
        .getVirtualHosts(0).getRoutes(0).getRoute();

    assertEquals(Fixtures.OTHER_NAME, action.getCluster());
    assertFalse(action.hasMaxStreamDuration());
    assertFalse(action.hasRetryPolicy());
  }

  @Test
  void theClusterTakesItsEndpointsFromEdsOverAds() {
    Cluster cluster = seed.clusters().get(SEED_NAME);

    assertEquals(SEED_NAME, cluster.getName());
    assertEquals(Cluster.DiscoveryType.EDS, cluster.getType());
    assertAds(cluster.getEdsClusterConfig().getEdsConfig());
    assertEquals(SEED_NAME, cluster.getEdsClusterConfig().getServiceName());
    assertEquals(com.google.protobuf.Duration.newBuilder().setSeconds(5).build(), cluster.getConnectTimeout());
  }

  // --- mTLS ---

  private static final Target MESHED_V1 = new Target("grpc-service-v1", 7001, Optional.of("default/echo-v1"));
  private static final Target MESHED_V2 = new Target("grpc-service-v2", 7002, Optional.of("default/echo-v2"));

  private static MeshLink meshedSeed() {
    return Fixtures.link(Seed.YAML.replace("{name: grpc-service-v1, port: 7001}", "{name: grpc-service-v1, port: 7001, identity: default/echo-v1}")
        .replace("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v2, port: 7002, identity: default/echo-v2}"));
  }

  @Test
  void aMeshedClusterAsksForMtlsAndTheTargetsIdentities() throws Exception {
    XdsResources resources = new XdsTranslator("example.org").translate(
        Fixtures.model(List.of(meshedSeed()), Map.of(MESHED_V1, List.of(Fixtures.E1), MESHED_V2, List.of(Fixtures.E2))));
    Cluster cluster = resources.clusters().get(SEED_NAME);
    assertEquals("envoy.transport_sockets.tls", cluster.getTransportSocket().getName());
    UpstreamTlsContext tls = cluster.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    CommonTlsContext common = tls.getCommonTlsContext();
    assertEquals(MeshTls.CERTIFICATE_PROVIDER, common.getTlsCertificateProviderInstance().getInstanceName());
    assertEquals(MeshTls.CERTIFICATE_PROVIDER, common.getValidationContext().getCaCertificateProviderInstance().getInstanceName());
    assertEquals(List.of("spiffe://example.org/ns/default/sa/echo-v1", "spiffe://example.org/ns/default/sa/echo-v2"),
        common.getValidationContext().getMatchSubjectAltNamesList().stream().map(StringMatcher::getExact).toList());
    assertEquals(2, resources.endpoints().get(SEED_NAME).getEndpoints(0).getLbEndpointsCount(), "endpoints as in plaintext");
  }

  /** An endpoint whose pod has a sidecar: inbound port 4143, identity shop/NAME. */
  private static Endpoint meshed(String address, int port, String account) {
    return new Endpoint(address, port, Endpoint.Health.HEALTHY, Optional.of(new Endpoint.Inbound(4143, "shop/" + account)));
  }

  private static List<String> sans(Cluster cluster) throws Exception {
    return cluster.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class).getCommonTlsContext()
        .getValidationContext().getMatchSubjectAltNamesList().stream().map(StringMatcher::getExact).toList();
  }

  @Test
  void aClusterWhoseEndpointsAllHaveSidecarsIsReachedOverMtlsAtTheirInboundPorts() throws Exception {
    XdsResources resources = translateLink(Fixtures.seedLink(), Map.of(
        Seed.V1, List.of(meshed("10.0.0.1", 7001, "echo-v1")),
        Seed.V2, List.of(meshed("10.0.0.2", 7002, "echo-v2"), meshed("10.0.0.3", 7002, "echo-v2"))));
    assertEquals(List.of("spiffe://cluster.local/ns/shop/sa/echo-v1", "spiffe://cluster.local/ns/shop/sa/echo-v2"),
        sans(resources.clusters().get(SEED_NAME)));
    assertEquals(List.of("10.0.0.1:4143", "10.0.0.2:4143", "10.0.0.3:4143"),
        addresses(resources.endpoints().get(SEED_NAME).getEndpoints(0)));
  }

  @Test
  void whileOneEndpointHasNoSidecarTheClusterIsPlaintextAtTheApplicationsPorts() {
    XdsResources resources = translateLink(Fixtures.seedLink(), Map.of(
        Seed.V1, List.of(meshed("10.0.0.1", 7001, "echo-v1")), Seed.V2, List.of(new Endpoint("10.0.0.2", 7002))));
    assertFalse(resources.clusters().get(SEED_NAME).hasTransportSocket());
    assertEquals(List.of("10.0.0.1:7001", "10.0.0.2:7002"), addresses(resources.endpoints().get(SEED_NAME).getEndpoints(0)));
  }

  @Test
  void aPlaintextClusterHasNoTransportSocket() {
    assertFalse(seed.clusters().get(SEED_NAME).hasTransportSocket());
  }

  @Test
  void weightedMeshedAndPlaintextTargetsEachGetTheirOwn() throws Exception {
    MeshLink link = Fixtures.link(Seed.YAML
        .replace("{name: grpc-service-v1, port: 7001}", "{name: grpc-service-v1, port: 7001, weight: 90, identity: default/echo-v1}")
        .replace("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v2, port: 7002, weight: 10}"));
    XdsResources resources = translateLink(link, Map.of(MESHED_V1, List.of(Fixtures.E1), Seed.V2, List.of(Fixtures.E2)));
    Cluster meshed = resources.clusters().get(SEED_NAME + "/grpc-service-v1:7001");
    Cluster plaintext = resources.clusters().get(SEED_NAME + "/grpc-service-v2:7002");
    assertEquals(List.of("spiffe://cluster.local/ns/default/sa/echo-v1"), meshed.getTransportSocket().getTypedConfig()
        .unpack(UpstreamTlsContext.class).getCommonTlsContext().getValidationContext().getMatchSubjectAltNamesList()
        .stream().map(StringMatcher::getExact).toList());
    assertFalse(plaintext.hasTransportSocket());
  }

  // --- strategies ---

  /** The seed Link with {@code strategy}. */
  private static MeshLink seedWithStrategy(String strategy) {
    return Fixtures.link(Seed.YAML.replace("strategy: round-robin", "strategy: " + strategy));
  }

  private static XdsResources translateLink(MeshLink link, Map<Target, List<Endpoint>> endpoints) {
    return Fixtures.translate(Fixtures.model(List.of(link), endpoints));
  }

  @Test
  void roundRobinIsFulcrumsPolicyThenRoundRobin() throws Exception {
    Cluster cluster = translateLink(seedWithStrategy("round-robin"), Map.of()).clusters().get(SEED_NAME);

    assertPolicies(cluster, "type.googleapis.com/fulcrum.round_robin", RoundRobin.class);
    assertEquals(cluster, XdsTranslator.cluster(SEED_NAME, Strategy.ROUND_ROBIN, 0.2));
  }

  /** policies[0]: Fulcrum's policy as a TypedStruct; policies[1]: the built-in fallback. */
  private static void assertPolicies(Cluster cluster, String typeUrl, Class<? extends Message> fallback) throws Exception {
    assertPolicies(cluster, typeUrl, fallback, 0.2);
  }

  private static void assertPolicies(Cluster cluster, String typeUrl, Class<? extends Message> fallback, double budget)
      throws Exception {
    assertTrue(cluster.hasLoadBalancingPolicy(), cluster.toString());
    List<LoadBalancingPolicy.Policy> policies = cluster.getLoadBalancingPolicy().getPoliciesList();
    assertEquals(2, policies.size(), policies.toString());
    Any custom = policies.get(0).getTypedExtensionConfig().getTypedConfig();
    assertTrue(custom.is(TypedStruct.class), custom.getTypeUrl());
    TypedStruct struct = custom.unpack(TypedStruct.class);
    assertEquals(typeUrl, struct.getTypeUrl());
    assertEquals(Value.newBuilder().setNumberValue(budget).build(), struct.getValue().getFieldsOrThrow("retry_budget_ratio"));
    assertEquals(BalancingConfig.withRetryBudget(budget).toStruct(), struct.getValue());
    assertEquals(typeUrl.substring("type.googleapis.com/".length()), policies.get(0).getTypedExtensionConfig().getName());
    Any builtIn = policies.get(1).getTypedExtensionConfig().getTypedConfig();
    assertTrue(builtIn.is(fallback), builtIn.getTypeUrl());
  }

  @Test
  void leastLoadedIsFulcrumsPolicyThenLeastRequest() throws Exception {
    Cluster cluster = translateLink(seedWithStrategy("least-loaded"), Map.of()).clusters().get(SEED_NAME);

    assertPolicies(cluster, "type.googleapis.com/fulcrum.least_loaded", LeastRequest.class);
    assertEquals("fulcrum.least_loaded",
        cluster.getLoadBalancingPolicy().getPolicies(0).getTypedExtensionConfig().getName());
  }

  @Test
  void randomIsFulcrumsPolicyThenRoundRobin() throws Exception {
    Cluster cluster = translateLink(seedWithStrategy("random"), Map.of()).clusters().get(SEED_NAME);

    assertPolicies(cluster, "type.googleapis.com/fulcrum.random", RoundRobin.class);
  }

  @Test
  void peakEwmaIsFulcrumsPolicyThenLeastRequest() throws Exception {
    Cluster cluster = translateLink(seedWithStrategy("peak-ewma"), Map.of()).clusters().get(SEED_NAME);

    assertPolicies(cluster, "type.googleapis.com/fulcrum.peak_ewma", LeastRequest.class);
  }

  @Test
  void everyStrategyTranslatesToValidResources() {
    for (String strategy : List.of("round-robin", "least-loaded", "random", "peak-ewma")) {
      MeshLink link = seedWithStrategy(strategy);
      assertEquals(List.of(), new XdsResourceValidator().validate(translateLink(link, Map.of())), strategy);
      Cluster cluster = translateLink(link, Map.of()).clusters().get(SEED_NAME);
      // Only the balancing policy depends on the strategy.
      assertEquals(XdsTranslator.cluster(SEED_NAME, Strategy.ROUND_ROBIN, 0.2).toBuilder().clearLoadBalancingPolicy().build(),
          cluster.toBuilder().clearLoadBalancingPolicy().build(), strategy);
    }
  }

  @Test
  void theLinksRetryBudgetGoesWithThePolicy() throws Exception {
    MeshLink link = Fixtures.link(Seed.YAML.replace("strategy: round-robin", "strategy: least-loaded")
        .replace("request-timeout: 5s", "request-timeout: 5s\n    retry-budget: 35%") + ROUTES);
    XdsResources resources = translateLink(link, Map.of(GET_BACKEND, List.of(GET_ENDPOINT)));

    assertPolicies(resources.clusters().get(SEED_NAME), "type.googleapis.com/fulcrum.least_loaded", LeastRequest.class, 0.35);
    assertPolicies(resources.clusters().get(GET_CLUSTER), "type.googleapis.com/fulcrum.least_loaded", LeastRequest.class, 0.35);
  }

  // --- retries ---

  private static RouteAction defaultAction(MeshLink link) {
    List<Route> routes = XdsTranslator.routeConfiguration(link, new LinkedHashMap<>()).getVirtualHosts(0).getRoutesList();
    return routes.get(routes.size() - 1).getRoute();
  }

  @Test
  void theRetryPolicyHasTheLinksRetriesAndBackoff() {
    MeshLink link = Fixtures.link(Seed.YAML.replace("request-timeout: 5s", "request-timeout: 5s\n    retries: 7"));
    RetryPolicy retry = defaultAction(link).getRetryPolicy();

    assertEquals("cancelled,deadline-exceeded", retry.getRetryOn());
    assertEquals(7, retry.getNumRetries().getValue());
    assertEquals(com.google.protobuf.Duration.newBuilder().setNanos(25_000_000).build(),
        retry.getRetryBackOff().getBaseInterval());
    assertEquals(com.google.protobuf.Duration.newBuilder().setNanos(250_000_000).build(),
        retry.getRetryBackOff().getMaxInterval());
  }

  @Test
  void theDefaultRetriesAreTwo() {
    assertEquals(2, defaultAction(Fixtures.seedLink()).getRetryPolicy().getNumRetries().getValue());
  }

  @Test
  void noRetryPolicyWithZeroRetries() {
    MeshLink link = Fixtures.link(Seed.YAML.replace("request-timeout: 5s", "request-timeout: 5s\n    retries: 0"));
    RouteAction action = defaultAction(link);

    assertFalse(action.hasRetryPolicy(), action.toString());
    assertTrue(action.hasMaxStreamDuration());
  }

  @Test
  void noRetryPolicyWithoutRetryOn() {
    MeshLink link = Fixtures.link(Seed.YAML.replace("retry-on: [\"cancelled\", \"deadline-exceeded\"]", "retries: 3"));

    assertFalse(defaultAction(link).hasRetryPolicy());
  }

  // --- per-method routes ---

  private static final Target GET_BACKEND = new Target("get-backend", 8001);
  private static final Endpoint GET_ENDPOINT = new Endpoint("10.0.3.1", 8001);
  private static final String ROUTES = """
        routes:
          - method: /pkg.Svc/Get
            target: [{name: get-backend, port: 8001}]
            policy: {request-timeout: 250ms, retries: 4}
          - method: /pkg.Svc/*
            policy: {retry-on: []}
          - method: /other.Svc/Put
      """;
  private static final String GET_CLUSTER = SEED_NAME + "/get-backend:8001";

  private static XdsResources withRoutes() {
    return translateLink(Fixtures.link(Seed.YAML + ROUTES), Map.of(GET_BACKEND, List.of(GET_ENDPOINT)));
  }

  @Test
  void perMethodRoutesComeFirstInOrderThenTheDefault() {
    List<Route> routes = withRoutes().routes().get(SEED_NAME).getVirtualHosts(0).getRoutesList();

    assertEquals(4, routes.size());
    assertEquals(RouteMatch.PathSpecifierCase.PATH, routes.get(0).getMatch().getPathSpecifierCase());
    assertEquals("/pkg.Svc/Get", routes.get(0).getMatch().getPath());
    assertEquals(RouteMatch.PathSpecifierCase.PREFIX, routes.get(1).getMatch().getPathSpecifierCase());
    assertEquals("/pkg.Svc/", routes.get(1).getMatch().getPrefix());
    assertEquals(RouteMatch.PathSpecifierCase.PATH, routes.get(2).getMatch().getPathSpecifierCase());
    assertEquals("/other.Svc/Put", routes.get(2).getMatch().getPath());
    assertEquals(RouteMatch.PathSpecifierCase.PREFIX, routes.get(3).getMatch().getPathSpecifierCase());
    assertEquals("", routes.get(3).getMatch().getPrefix());
  }

  @Test
  void aRouteWithItsOwnTargetsHasItsOwnClusterAndPolicy() {
    XdsResources resources = withRoutes();
    RouteAction get = resources.routes().get(SEED_NAME).getVirtualHosts(0).getRoutes(0).getRoute();

    assertEquals(GET_CLUSTER, get.getCluster());
    assertEquals(com.google.protobuf.Duration.newBuilder().setNanos(250_000_000).build(),
        get.getMaxStreamDuration().getGrpcTimeoutHeaderMax());
    assertEquals("cancelled,deadline-exceeded", get.getRetryPolicy().getRetryOn());
    assertEquals(4, get.getRetryPolicy().getNumRetries().getValue());
    assertEquals(Set.of(SEED_NAME, GET_CLUSTER), resources.clusters().keySet());
    assertEquals(Set.of(SEED_NAME, GET_CLUSTER), resources.endpoints().keySet());
    assertEquals(GET_CLUSTER, resources.clusters().get(GET_CLUSTER).getEdsClusterConfig().getServiceName());
    assertEquals(List.of("10.0.3.1:8001"), addresses(resources.endpoints().get(GET_CLUSTER).getEndpoints(0)));
    assertEquals(GET_CLUSTER, resources.endpoints().get(GET_CLUSTER).getClusterName());
    assertEquals(List.of("10.0.0.1:7001", "10.0.0.2:7002"), addresses(resources.endpoints().get(SEED_NAME).getEndpoints(0)));
  }

  @Test
  void aRouteWithoutTargetsUsesTheDefaultCluster() {
    List<Route> routes = withRoutes().routes().get(SEED_NAME).getVirtualHosts(0).getRoutesList();

    RouteAction wildcard = routes.get(1).getRoute();
    assertEquals(SEED_NAME, wildcard.getCluster());
    assertFalse(wildcard.hasRetryPolicy(), "retry-on: [] turns retries off");
    assertEquals(com.google.protobuf.Duration.newBuilder().setSeconds(5).build(),
        wildcard.getMaxStreamDuration().getGrpcTimeoutHeaderMax());
    RouteAction put = routes.get(2).getRoute();
    assertEquals(SEED_NAME, put.getCluster());
    assertEquals(defaultAction(Fixtures.seedLink()), put);
    assertEquals(defaultAction(Fixtures.seedLink()), routes.get(3).getRoute());
  }

  @Test
  void aRouteToSeveralTargetsNamesItsClusterAfterAllOfThem() {
    MeshLink link = Fixtures.link(Seed.YAML + """
          routes:
            - method: /pkg.Svc/Get
              target: [{name: get-backend, port: 8001}, {name: grpc-service-v2, port: 7002}]
        """);
    XdsResources resources = translateLink(link, Map.of(GET_BACKEND, List.of(GET_ENDPOINT)));
    String name = SEED_NAME + "/get-backend:8001+grpc-service-v2:7002";

    assertEquals(name, resources.routes().get(SEED_NAME).getVirtualHosts(0).getRoutes(0).getRoute().getCluster());
    assertEquals(List.of("10.0.3.1:8001", "10.0.0.2:7002"), addresses(resources.endpoints().get(name).getEndpoints(0)));
    assertEquals(List.of(), new XdsResourceValidator().validate(resources));
  }

  @Test
  void routeClustersUseTheLinksStrategy() throws Exception {
    MeshLink link = Fixtures.link(Seed.YAML.replace("strategy: round-robin", "strategy: peak-ewma") + ROUTES);
    XdsResources resources = translateLink(link, Map.of(GET_BACKEND, List.of(GET_ENDPOINT)));

    assertPolicies(resources.clusters().get(GET_CLUSTER), "type.googleapis.com/fulcrum.peak_ewma", LeastRequest.class);
    assertEquals(List.of(), new XdsResourceValidator().validate(resources));
  }

  @Test
  void routesTranslateToValidResources() {
    assertEquals(List.of(), new XdsResourceValidator().validate(withRoutes()));
  }

  // --- weights ---

  private static final String V1_CLUSTER = SEED_NAME + "/grpc-service-v1:7001";
  private static final String V2_CLUSTER = SEED_NAME + "/grpc-service-v2:7002";

  private static MeshLink weighted(int w1, int w2) {
    return Fixtures.link(Seed.YAML
        .replace("{name: grpc-service-v1, port: 7001}", "{name: grpc-service-v1, port: 7001, weight: " + w1 + "}")
        .replace("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v2, port: 7002, weight: " + w2 + "}"));
  }

  @Test
  void weightedTargetsSplitTrafficBetweenAClusterEach() {
    XdsResources resources = translateLink(weighted(90, 10), Map.of());
    RouteAction action = defaultAction(weighted(90, 10));

    assertEquals(RouteAction.ClusterSpecifierCase.WEIGHTED_CLUSTERS, action.getClusterSpecifierCase());
    List<WeightedCluster.ClusterWeight> split = action.getWeightedClusters().getClustersList();
    assertEquals(List.of(V1_CLUSTER, V2_CLUSTER), split.stream().map(WeightedCluster.ClusterWeight::getName).toList());
    assertEquals(List.of(90, 10), split.stream().map(c -> c.getWeight().getValue()).toList());
    assertEquals(Set.of(V1_CLUSTER, V2_CLUSTER), resources.clusters().keySet());
    assertEquals(Set.of(V1_CLUSTER, V2_CLUSTER), resources.endpoints().keySet());
    assertEquals(List.of("10.0.0.1:7001"), addresses(resources.endpoints().get(V1_CLUSTER).getEndpoints(0)));
    assertEquals(List.of("10.0.0.2:7002"), addresses(resources.endpoints().get(V2_CLUSTER).getEndpoints(0)));
    assertEquals(V1_CLUSTER, resources.clusters().get(V1_CLUSTER).getEdsClusterConfig().getServiceName());
    // The policy is the same as without weights.
    assertEquals(defaultAction(Fixtures.seedLink()).getRetryPolicy(), action.getRetryPolicy());
    assertEquals(defaultAction(Fixtures.seedLink()).getMaxStreamDuration(), action.getMaxStreamDuration());
    assertEquals(List.of(), new XdsResourceValidator().validate(resources));
  }

  @Test
  void aTargetOfWeightZeroIsLeftOut() {
    XdsResources resources = translateLink(weighted(100, 0), Map.of());
    RouteAction action = resources.routes().get(SEED_NAME).getVirtualHosts(0).getRoutes(0).getRoute();

    assertEquals(List.of(V1_CLUSTER),
        action.getWeightedClusters().getClustersList().stream().map(WeightedCluster.ClusterWeight::getName).toList());
    assertEquals(100, action.getWeightedClusters().getClusters(0).getWeight().getValue());
    assertEquals(Set.of(V1_CLUSTER), resources.clusters().keySet());
    assertEquals(Set.of(V1_CLUSTER), resources.endpoints().keySet());
    assertEquals(List.of(), new XdsResourceValidator().validate(resources));
  }

  @Test
  void weightedClustersUseTheLinksStrategy() throws Exception {
    MeshLink link = Fixtures.link(Seed.YAML.replace("strategy: round-robin", "strategy: least-loaded")
        .replace("{name: grpc-service-v1, port: 7001}", "{name: grpc-service-v1, port: 7001, weight: 3}")
        .replace("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v2, port: 7002, weight: 1}"));
    XdsResources resources = translateLink(link, Map.of());

    assertPolicies(resources.clusters().get(V1_CLUSTER), "type.googleapis.com/fulcrum.least_loaded", LeastRequest.class);
    assertPolicies(resources.clusters().get(V2_CLUSTER), "type.googleapis.com/fulcrum.least_loaded", LeastRequest.class);
  }

  @Test
  void aWeightedRouteAndAnUnweightedDefault() {
    MeshLink link = Fixtures.link(Seed.YAML + """
          routes:
            - method: /pkg.Svc/*
              target: [{name: grpc-service-v1, port: 7001, weight: 1}, {name: get-backend, port: 8001, weight: 4}]
        """);
    XdsResources resources = translateLink(link, Map.of(GET_BACKEND, List.of(GET_ENDPOINT)));
    RouteAction route = resources.routes().get(SEED_NAME).getVirtualHosts(0).getRoutes(0).getRoute();

    assertEquals(List.of(V1_CLUSTER, GET_CLUSTER),
        route.getWeightedClusters().getClustersList().stream().map(WeightedCluster.ClusterWeight::getName).toList());
    assertEquals(List.of(1, 4), route.getWeightedClusters().getClustersList().stream().map(c -> c.getWeight().getValue()).toList());
    assertEquals(SEED_NAME, resources.routes().get(SEED_NAME).getVirtualHosts(0).getRoutes(1).getRoute().getCluster());
    assertEquals(Set.of(SEED_NAME, V1_CLUSTER, GET_CLUSTER), resources.clusters().keySet());
    assertEquals(List.of(), new XdsResourceValidator().validate(resources));
  }


  @Test
  void theLoadAssignmentHasOneWeightedLocalityWithEveryEndpoint() {
    ClusterLoadAssignment assignment = seed.endpoints().get(SEED_NAME);

    assertEquals(SEED_NAME, assignment.getClusterName());
    assertEquals(1, assignment.getEndpointsCount());
    LocalityLbEndpoints locality = assignment.getEndpoints(0);
    assertTrue(locality.getLoadBalancingWeight().getValue() >= 1, locality.toString());
    assertEquals(List.of("10.0.0.1:7001", "10.0.0.2:7002"), addresses(locality));
  }

  @Test
  void anEndpointTwoTargetsShareIsListedOnce() {
    Endpoint shared = new Endpoint("10.0.0.7", 7001);
    MeshModel model = Fixtures.model(List.of(Fixtures.seedLink()),
        Map.of(Seed.V1, List.of(Fixtures.E1, shared), Seed.V2, List.of(shared, Fixtures.E2)));

    LocalityLbEndpoints locality = Fixtures.translate(model).endpoints().get(SEED_NAME).getEndpoints(0);

    assertEquals(List.of("10.0.0.1:7001", "10.0.0.7:7001", "10.0.0.2:7002"), addresses(locality));
  }

  @Test
  void aTargetWithoutEndpointsGivesAnEmptyLocality() {
    MeshModel model = Fixtures.model(List.of(Fixtures.seedLink()), Map.of(Seed.V1, List.of(), Seed.V2, List.of()));

    LocalityLbEndpoints locality = Fixtures.translate(model).endpoints().get(SEED_NAME).getEndpoints(0);

    assertEquals(List.of(), addresses(locality));
    assertEquals(1, locality.getLoadBalancingWeight().getValue());
  }

  @Test
  void everyLinkGetsItsOwnResources() {
    XdsResources resources = Fixtures.translate(
        Fixtures.model(List.of(Fixtures.seedLink(), Fixtures.otherLink()), Map.of()));

    assertEquals(Set.of(SEED_NAME, Fixtures.OTHER_NAME), resources.listeners().keySet());
    assertEquals(List.of("10.0.1.1:9090"), addresses(resources.endpoints().get(Fixtures.OTHER_NAME).getEndpoints(0)));
    assertEquals(List.of(), new XdsResourceValidator().validate(resources));
  }

  @Test
  void theUnknownServiceListenerHasRoutesWithoutVirtualHost() throws Exception {
    Listener listener = XdsTranslator.unknownServiceListener("unknown.example:1");

    assertEquals("unknown.example:1", listener.getName());
    HttpConnectionManager manager = listener.getApiListener().getApiListener().unpack(HttpConnectionManager.class);
    assertFalse(manager.hasRds(), "routes inline: nothing more to fetch");
    assertTrue(manager.hasRouteConfig());
    assertEquals("unknown.example:1", manager.getRouteConfig().getName());
    assertEquals(0, manager.getRouteConfig().getVirtualHostsCount());
    HttpFilter last = manager.getHttpFilters(manager.getHttpFiltersCount() - 1);
    assertTrue(last.getTypedConfig().is(Router.class));
    assertEquals(listener, XdsTranslator.unknownServiceListener("unknown.example:1"));
  }

  @Test
  void anEmptyModelGivesNoResources() {
    XdsResources resources = Fixtures.translate(MeshModel.EMPTY);

    for (XdsType type : XdsType.values()) {
      assertEquals(Map.of(), resources.ofType(type), type.name());
    }
  }

  @Test
  void translatingIsDeterministic() {
    assertEquals(seed, Fixtures.translate(Fixtures.seedModel()));
    assertEquals(print(seed), print(Fixtures.translate(Fixtures.seedModel())));
  }

  @Test
  void matchesTheGoldenFile() throws IOException {
    String actual = print(seed);
    String expected;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(GOLDEN)) {
      expected = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!actual.equals(expected)) {
      Path out = Path.of("target", "golden-actual", "seed-link.txtpb");
      Files.createDirectories(out.getParent());
      Files.writeString(out, actual, StandardCharsets.UTF_8);
      assertNotNull(expected, "missing src/test/resources/" + GOLDEN + "; the output is in " + out.toAbsolutePath());
      assertEquals(expected, actual, "the translation changed; review " + out.toAbsolutePath()
          + " and, if it is right, copy it to src/test/resources/" + GOLDEN);
    }
  }

  /** Every resource in type order, then by name, in protobuf text format with Any expanded. */
  static String print(XdsResources resources) {
    TextFormat.Printer printer = TextFormat.printer().usingTypeRegistry(TypeRegistry.newBuilder()
        .add(HttpConnectionManager.getDescriptor())
        .add(Router.getDescriptor())
        .add(TypedStruct.getDescriptor())
        .add(RoundRobin.getDescriptor())
        .add(LeastRequest.getDescriptor())
        .build());
    StringBuilder out = new StringBuilder();
    for (XdsType type : XdsType.values()) {
      for (Map.Entry<String, ? extends Message> entry : new TreeMap<>(resources.ofType(type)).entrySet()) {
        out.append("# ").append(type.shortName()).append(' ').append(entry.getKey()).append('\n')
            .append(printer.printToString(entry.getValue())).append('\n');
      }
    }
    return out.toString();
  }

  private static List<String> addresses(LocalityLbEndpoints locality) {
    return locality.getLbEndpointsList().stream()
        .map(LbEndpoint::getEndpoint)
        .map(endpoint -> endpoint.getAddress().getSocketAddress())
        .map((SocketAddress socket) -> socket.getAddress() + ":" + socket.getPortValue())
        .toList();
  }
}
