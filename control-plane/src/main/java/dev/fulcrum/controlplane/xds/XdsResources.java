package dev.fulcrum.controlplane.xds;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Map;

/**
 * One complete set of xDS resources, by name, per type: what the translator makes and the cache
 * serves; and the policies servers' inbound Listeners are made from, for whatever name they ask by.
 */
public record XdsResources(
    Map<String, Listener> listeners,
    Map<String, RouteConfiguration> routes,
    Map<String, Cluster> clusters,
    Map<String, ClusterLoadAssignment> endpoints,
    InboundPolicies inbound) {

  public XdsResources {
    listeners = Map.copyOf(listeners);
    routes = Map.copyOf(routes);
    clusters = Map.copyOf(clusters);
    endpoints = Map.copyOf(endpoints);
  }

  /** Resources whose servers allow every call. */
  public XdsResources(Map<String, Listener> listeners, Map<String, RouteConfiguration> routes,
      Map<String, Cluster> clusters, Map<String, ClusterLoadAssignment> endpoints) {
    this(listeners, routes, clusters, endpoints, InboundPolicies.ALLOW_ALL);
  }

  /** The resources of one type, by its xDS type URL. */
  public Map<String, ? extends Message> ofType(XdsType type) {
    return switch (type) {
      case LISTENER -> listeners;
      case ROUTE -> routes;
      case CLUSTER -> clusters;
      case ENDPOINT -> endpoints;
    };
  }
}
