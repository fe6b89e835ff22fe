package dev.fulcrum.controlplane.xds;

import static dev.fulcrum.controlplane.xds.Fixtures.SEED_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TypeRegistry;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.MeshLink;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.Seed;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    RouteAction action = XdsTranslator.routeConfiguration(SEED_NAME, link).getVirtualHosts(0).getRoutes(0).getRoute();

    assertEquals(com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(250_000_000).build(),
        action.getMaxStreamDuration().getGrpcTimeoutHeaderMax());
  }

  @Test
  void aLinkWithoutPolicyHasNoTimeoutAndNoRetries() {
    MeshLink link = Fixtures.otherLink();
    RouteAction action = XdsTranslator.routeConfiguration(Fixtures.OTHER_NAME, link)
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
    assertEquals(Cluster.LbPolicy.ROUND_ROBIN, cluster.getLbPolicy());
  }

  @Test
  void theStrategyChoosesTheLoadBalancingPolicy() {
    MeshLink leastLoaded = Fixtures.link(Seed.YAML.replace("strategy: round-robin", "strategy: least-loaded"));
    MeshLink random = Fixtures.link(Seed.YAML.replace("strategy: round-robin", "strategy: random"));

    assertEquals(Cluster.LbPolicy.LEAST_REQUEST, XdsTranslator.cluster(SEED_NAME, leastLoaded).getLbPolicy());
    // grpc-xds has no RANDOM policy (XdsResourceValidator rejects it): random is served as round robin.
    assertEquals(Cluster.LbPolicy.ROUND_ROBIN, XdsTranslator.cluster(SEED_NAME, random).getLbPolicy());
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
