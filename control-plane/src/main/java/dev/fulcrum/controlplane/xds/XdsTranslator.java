package dev.fulcrum.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import dev.fulcrum.controlplane.mesh.Authority;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.MeshLink;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.RetryOn;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.inject.Inject;

/**
 * The heart of the control plane, a pure function: a {@link MeshModel} in, the xDS resources that
 * grpc-xds clients need out. Per Link, named after the authority {@code host:port} clients call:
 * a Listener (an API listener whose HttpConnectionManager fetches its routes over ADS), a
 * RouteConfiguration, one EDS Cluster for the Link's targets and its ClusterLoadAssignment.
 */
public final class XdsTranslator {
  /** Fulcrum's default number of retries when a Link lists retry-on codes. */
  static final int DEFAULT_RETRIES = 2;
  private static final ConfigSource ADS = ConfigSource.newBuilder()
      .setAds(AggregatedConfigSource.getDefaultInstance())
      .setResourceApiVersion(ApiVersion.V3)
      .build();
  private static final HttpFilter ROUTER = HttpFilter.newBuilder()
      .setName("envoy.filters.http.router")
      .setTypedConfig(Any.pack(Router.getDefaultInstance()))
      .build();

  @Inject
  public XdsTranslator() {}

  public XdsResources translate(MeshModel model) {
    Map<String, Listener> listeners = new HashMap<>();
    Map<String, RouteConfiguration> routes = new HashMap<>();
    Map<String, Cluster> clusters = new HashMap<>();
    Map<String, ClusterLoadAssignment> endpoints = new HashMap<>();
    for (MeshLink link : model.links()) {
      String name = link.service().toString();
      listeners.put(name, listener(name));
      // Another name for the service (Kubernetes' short and long names): its own Listener, same routes.
      model.aliasesOf(link).forEach(alias -> listeners.put(alias.toString(), listener(alias.toString(), name)));
      routes.put(name, withAliases(routeConfiguration(name, link), model.aliasesOf(link)));
      clusters.put(name, cluster(name, link));
      endpoints.put(name, loadAssignment(name, link, model));
    }
    return new XdsResources(listeners, routes, clusters, endpoints);
  }

  static Listener listener(String name) {
    return listener(name, name);
  }

  private static Listener listener(String name, String routeConfigName) {
    return apiListener(name, HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName(routeConfigName).setConfigSource(ADS)));
  }

  /** grpc-xds picks the virtual host by the authority called, so each alias is one of its domains. */
  private static RouteConfiguration withAliases(RouteConfiguration routes, List<Authority> aliases) {
    if (aliases.isEmpty()) {
      return routes;
    }
    RouteConfiguration.Builder builder = routes.toBuilder();
    for (VirtualHost.Builder host : builder.getVirtualHostsBuilderList()) {
      aliases.forEach(alias -> host.addDomains(alias.toString()).addDomains(alias.host()));
    }
    return builder.build();
  }

  /**
   * The answer to a client asking for a service no Link declares. grpc-xds would otherwise wait 15 s
   * before deciding that a never-seen Listener does not exist; a Listener whose routes have no
   * virtual host makes it fail each call at once, UNAVAILABLE, naming the service it looked for.
   */
  public static Listener unknownServiceListener(String name) {
    return apiListener(name, HttpConnectionManager.newBuilder()
        .setRouteConfig(RouteConfiguration.newBuilder().setName(name)));
  }

  /** A Listener for grpc-xds clients: an API listener whose routes end in the router filter. */
  private static Listener apiListener(String name, HttpConnectionManager.Builder routes) {
    HttpConnectionManager manager = routes.setStatPrefix(name).addHttpFilters(ROUTER).build();
    return Listener.newBuilder()
        .setName(name)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(manager)))
        .build();
  }

  static RouteConfiguration routeConfiguration(String name, MeshLink link) {
    RouteAction.Builder action = RouteAction.newBuilder().setCluster(name);
    link.requestTimeout().ifPresent(timeout -> action.setMaxStreamDuration(
        RouteAction.MaxStreamDuration.newBuilder()
            // grpc-xds ignores RouteAction.timeout; it caps each call's deadline with this.
            .setGrpcTimeoutHeaderMax(protoDuration(timeout))
            .setMaxStreamDuration(protoDuration(timeout))));
    if (!link.retryOn().isEmpty()) {
      action.setRetryPolicy(RetryPolicy.newBuilder()
          .setRetryOn(link.retryOn().stream().map(RetryOn::yamlName).collect(Collectors.joining(",")))
          .setNumRetries(UInt32Value.of(DEFAULT_RETRIES)));
    }
    VirtualHost host = VirtualHost.newBuilder()
        .setName(name)
        .addAllDomains(List.of(name, link.service().host()))
        .addRoutes(Route.newBuilder()
            .setMatch(RouteMatch.newBuilder().setPrefix(""))
            .setRoute(action))
        .build();
    return RouteConfiguration.newBuilder().setName(name).addVirtualHosts(host).build();
  }

  static Cluster cluster(String name, MeshLink link) {
    Cluster.LbPolicy policy = switch (link.strategy()) {
      case ROUND_ROBIN, RANDOM -> Cluster.LbPolicy.ROUND_ROBIN;
      case LEAST_LOADED -> Cluster.LbPolicy.LEAST_REQUEST;
    };
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS).setServiceName(name))
        .setLbPolicy(policy)
        .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(5))
        .build();
  }

  static ClusterLoadAssignment loadAssignment(String name, MeshLink link, MeshModel model) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder()
        // grpc-xds silently drops a locality without a weight.
        .setLoadBalancingWeight(UInt32Value.of(1));
    // Two targets may resolve to one address; grpc-xds rejects a cluster that lists one twice.
    Map<String, Endpoint> unique = new LinkedHashMap<>();
    link.targets().forEach(target -> model.endpointsOf(target).forEach(endpoint ->
        unique.merge(endpoint.address() + ":" + endpoint.port(), endpoint, (a, b) -> a.healthy() ? a : b)));
    for (Endpoint endpoint : unique.values()) {
      locality.addLbEndpoints(LbEndpoint.newBuilder()
          // grpc-xds sends no new calls to a DRAINING endpoint; calls in flight finish.
          .setHealthStatus(endpoint.healthy() ? HealthStatus.HEALTHY : HealthStatus.DRAINING)
          .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
              .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                  .setAddress(endpoint.address())
                  .setPortValue(endpoint.port())))));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(name).addEndpoints(locality).build();
  }

  private static com.google.protobuf.Duration protoDuration(Duration duration) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }
}
