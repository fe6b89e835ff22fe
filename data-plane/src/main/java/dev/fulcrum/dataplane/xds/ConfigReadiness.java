package dev.fulcrum.dataplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.xds.shaded.io.envoyproxy.envoy.admin.v3.ClientResourceStatus;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.listener.v3.Listener;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.route.v3.Route;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.grpc.xds.shaded.io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.grpc.xds.shaded.io.envoyproxy.envoy.service.status.v3.ClientConfig;
import io.grpc.xds.shaded.io.envoyproxy.envoy.service.status.v3.ClientStatusResponse;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether grpc-xds holds the configuration a proxy needs, read from what it reports over CSDS (so
 * it is what grpc-xds applied, not what the control plane sent). Pure: tested on made-up reports.
 */
public final class ConfigReadiness {
  static final String LISTENER = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final String ROUTE = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  static final String CLUSTER = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  static final String ENDPOINTS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

  private final Map<String, Any> applied = new HashMap<>();

  private ConfigReadiness(ClientStatusResponse status) {
    for (ClientConfig client : status.getConfigList()) {
      for (ClientConfig.GenericXdsConfig resource : client.getGenericXdsConfigsList()) {
        // NACKED keeps the last good version applied: it counts too.
        if ((resource.getClientStatus() == ClientResourceStatus.ACKED
            || resource.getClientStatus() == ClientResourceStatus.NACKED) && resource.hasXdsConfig()) {
          applied.put(key(resource.getTypeUrl(), resource.getName()), resource.getXdsConfig());
        }
      }
    }
  }

  private static String key(String typeUrl, String name) {
    return typeUrl + " " + name;
  }

  /** Whether the Listener {@code name} is applied (whatever it routes to). */
  public static boolean hasListener(ClientStatusResponse status, String name) {
    return new ConfigReadiness(status).applied.containsKey(key(LISTENER, name));
  }

  /**
   * Whether the service's Listener, its routes, every Cluster they name and at least one of those
   * Clusters' endpoints are applied: a call to it can be routed now.
   */
  public static boolean hasService(ClientStatusResponse status, String service) {
    try {
      return new ConfigReadiness(status).routable(service);
    } catch (InvalidProtocolBufferException e) {
      return false; // not something grpc-xds applied; wait for the next answer
    }
  }

  private boolean routable(String service) throws InvalidProtocolBufferException {
    Optional<RouteConfiguration> routes = routes(service);
    if (routes.isEmpty()) {
      return false;
    }
    Set<String> clusters = new LinkedHashSet<>();
    for (VirtualHost host : routes.get().getVirtualHostsList()) {
      for (Route route : host.getRoutesList()) {
        if (!route.getRoute().getCluster().isEmpty()) {
          clusters.add(route.getRoute().getCluster());
        }
        route.getRoute().getWeightedClusters().getClustersList().stream()
            .map(WeightedCluster.ClusterWeight::getName).forEach(clusters::add);
      }
    }
    boolean someEndpoint = false;
    for (String name : clusters) {
      Any cluster = applied.get(key(CLUSTER, name));
      if (cluster == null) {
        return false;
      }
      String serviceName = cluster.unpack(Cluster.class).getEdsClusterConfig().getServiceName();
      Any endpoints = applied.get(key(ENDPOINTS, serviceName.isEmpty() ? name : serviceName));
      if (endpoints != null && endpoints.unpack(ClusterLoadAssignment.class).getEndpointsList().stream()
          .anyMatch(locality -> locality.getLbEndpointsCount() > 0)) {
        someEndpoint = true;
      }
    }
    return someEndpoint;
  }

  /** The routes the service's Listener uses: its own, or the RouteConfiguration it names. */
  private Optional<RouteConfiguration> routes(String service) throws InvalidProtocolBufferException {
    Any listener = applied.get(key(LISTENER, service));
    if (listener == null) {
      return Optional.empty();
    }
    HttpConnectionManager manager = listener.unpack(Listener.class).getApiListener().getApiListener()
        .unpack(HttpConnectionManager.class);
    if (manager.hasRouteConfig()) {
      return Optional.of(manager.getRouteConfig());
    }
    Any routes = applied.get(key(ROUTE, manager.getRds().getRouteConfigName()));
    return routes == null ? Optional.empty() : Optional.of(routes.unpack(RouteConfiguration.class));
  }
}
