package dev.fulcrum.controlplane.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster.ClusterWeight;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;

/**
 * Checks a set of resources the way grpc-xds will before it is published, so that a client is never
 * handed something it must reject: every reference resolves, and each resource keeps the rules
 * grpc-xds enforces (router filter last, weighted localities, distinct endpoint addresses, a
 * load-balancing policy it knows).
 */
public final class XdsResourceValidator {
  private static final Set<String> BUILT_IN_POLICIES = Set.of(
      Any.pack(RoundRobin.getDefaultInstance()).getTypeUrl(),
      Any.pack(LeastRequest.getDefaultInstance()).getTypeUrl());
  private static final Set<Cluster.LbPolicy> GRPC_LB_POLICIES =
      Set.of(Cluster.LbPolicy.ROUND_ROBIN, Cluster.LbPolicy.LEAST_REQUEST, Cluster.LbPolicy.RING_HASH);

  @Inject
  public XdsResourceValidator() {}

  /** Every problem found; empty when the resources can be published. */
  public List<String> validate(XdsResources resources) {
    List<String> errors = new ArrayList<>();
    resources.listeners().forEach((name, listener) -> checkListener(name, listener, resources, errors));
    resources.routes().forEach((name, route) -> checkRoute(name, route, resources, errors));
    resources.clusters().forEach((name, cluster) -> checkCluster(name, cluster, resources, errors));
    resources.endpoints().forEach((name, assignment) -> checkEndpoints(name, assignment, errors));
    return errors;
  }

  private static void checkListener(String name, Listener listener, XdsResources resources, List<String> errors) {
    String where = "Listener " + name + ": ";
    if (!listener.getName().equals(name)) {
      errors.add(where + "named '" + listener.getName() + "'");
    }
    HttpConnectionManager manager;
    try {
      manager = listener.getApiListener().getApiListener().unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      errors.add(where + "api_listener is not an HttpConnectionManager");
      return;
    }
    List<HttpFilter> filters = manager.getHttpFiltersList();
    if (filters.isEmpty() || !filters.get(filters.size() - 1).getTypedConfig().is(Router.class)) {
      errors.add(where + "http_filters must end with the router filter");
    }
    String routeName = manager.getRds().getRouteConfigName();
    if (!resources.routes().containsKey(routeName)) {
      errors.add(where + "refers to RouteConfiguration '" + routeName + "', which does not exist");
    }
  }

  private static void checkRoute(String name, RouteConfiguration route, XdsResources resources, List<String> errors) {
    String where = "RouteConfiguration " + name + ": ";
    if (route.getVirtualHostsCount() == 0) {
      errors.add(where + "has no virtual host");
    }
    for (VirtualHost host : route.getVirtualHostsList()) {
      if (host.getDomainsCount() == 0) {
        errors.add(where + "virtual host " + host.getName() + " has no domain");
      }
      for (Route r : host.getRoutesList()) {
        List<String> clusters = r.getRoute().hasWeightedClusters()
            ? r.getRoute().getWeightedClusters().getClustersList().stream().map(ClusterWeight::getName).toList()
            : List.of(r.getRoute().getCluster());
        if (clusters.isEmpty()) {
          errors.add(where + "a route splits traffic between no clusters");
        }
        for (String cluster : clusters) {
          if (!resources.clusters().containsKey(cluster)) {
            errors.add(where + "routes to Cluster '" + cluster + "', which does not exist");
          }
        }
      }
    }
  }

  private static void checkCluster(String name, Cluster cluster, XdsResources resources, List<String> errors) {
    String where = "Cluster " + name + ": ";
    if (cluster.getType() != Cluster.DiscoveryType.EDS) {
      errors.add(where + "must be of type EDS");
    }
    String serviceName = cluster.getEdsClusterConfig().getServiceName();
    if (!resources.endpoints().containsKey(serviceName.isEmpty() ? name : serviceName)) {
      errors.add(where + "has no ClusterLoadAssignment");
    }
    if (cluster.hasLoadBalancingPolicy()) {
      List<LoadBalancingPolicy.Policy> policies = cluster.getLoadBalancingPolicy().getPoliciesList();
      // A client that knows none of the policies rejects the whole CDS update: end with a built-in.
      if (policies.isEmpty() || !BUILT_IN_POLICIES.contains(policies.get(policies.size() - 1)
          .getTypedExtensionConfig().getTypedConfig().getTypeUrl())) {
        errors.add(where + "load_balancing_policy must end with a policy every gRPC client has");
      }
    } else if (!GRPC_LB_POLICIES.contains(cluster.getLbPolicy())) {
      errors.add(where + "lb_policy " + cluster.getLbPolicy() + " is not supported by gRPC clients");
    }
  }

  private static void checkEndpoints(String name, ClusterLoadAssignment assignment, List<String> errors) {
    String where = "ClusterLoadAssignment " + name + ": ";
    Set<String> addresses = new HashSet<>();
    for (LocalityLbEndpoints locality : assignment.getEndpointsList()) {
      if (locality.getLoadBalancingWeight().getValue() < 1) {
        errors.add(where + "a locality without load_balancing_weight would be dropped");
      }
      for (LbEndpoint endpoint : locality.getLbEndpointsList()) {
        SocketAddress socket = endpoint.getEndpoint().getAddress().getSocketAddress();
        String address = socket.getAddress() + ":" + socket.getPortValue();
        if (socket.getAddress().isEmpty() || socket.getPortValue() < 1 || socket.getPortValue() > 65535) {
          errors.add(where + "endpoint '" + address + "' is not an address and port");
        }
        if (!addresses.add(address)) {
          errors.add(where + "endpoint " + address + " is listed twice");
        }
      }
    }
  }
}
