package dev.fulcrum.dataplane.xds;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.grpc.xds.shaded.io.envoyproxy.envoy.admin.v3.ClientResourceStatus;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.core.v3.Address;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.listener.v3.Listener;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.route.v3.Route;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.grpc.xds.shaded.io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.grpc.xds.shaded.io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.grpc.xds.shaded.io.envoyproxy.envoy.service.status.v3.ClientConfig;
import io.grpc.xds.shaded.io.envoyproxy.envoy.service.status.v3.ClientStatusResponse;
import org.junit.jupiter.api.Test;

class ConfigReadinessTest {
  private static final String SVC = "svc.test:50051";

  /** What grpc-xds reports over CSDS: each resource with its status. */
  private static final class Report {
    private final ClientConfig.Builder client = ClientConfig.newBuilder();

    Report with(String typeUrl, String name, ClientResourceStatus status, Message resource) {
      ClientConfig.GenericXdsConfig.Builder entry = ClientConfig.GenericXdsConfig.newBuilder()
          .setTypeUrl(typeUrl).setName(name).setClientStatus(status);
      if (resource != null) {
        entry.setXdsConfig(Any.pack(resource));
      }
      client.addGenericXdsConfigs(entry);
      return this;
    }

    Report acked(String typeUrl, String name, Message resource) {
      return with(typeUrl, name, ClientResourceStatus.ACKED, resource);
    }

    ClientStatusResponse build() {
      return ClientStatusResponse.newBuilder().addConfig(client).build();
    }
  }

  private static Listener listener(String name) {
    HttpConnectionManager manager = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName(name)).build();
    return Listener.newBuilder().setName(name)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(manager))).build();
  }

  private static RouteConfiguration routes(String name, RouteAction action) {
    return RouteConfiguration.newBuilder().setName(name)
        .addVirtualHosts(VirtualHost.newBuilder().addDomains(name).addRoutes(Route.newBuilder().setRoute(action)))
        .build();
  }

  private static Cluster cluster(String name) {
    return Cluster.newBuilder().setName(name)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setServiceName(name)).build();
  }

  private static ClusterLoadAssignment endpoints(String name, int count) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    for (int i = 0; i < count; i++) {
      locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
          .setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(7001 + i)))));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(name).addEndpoints(locality).build();
  }

  /** The seed's shape: one Listener, its routes, one Cluster, its endpoints. */
  private static Report seed(int endpoints) {
    return new Report()
        .acked(ConfigReadiness.LISTENER, SVC, listener(SVC))
        .acked(ConfigReadiness.ROUTE, SVC, routes(SVC, RouteAction.newBuilder().setCluster(SVC).build()))
        .acked(ConfigReadiness.CLUSTER, SVC, cluster(SVC))
        .acked(ConfigReadiness.ENDPOINTS, SVC, endpoints(SVC, endpoints));
  }

  @Test
  void aServiceIsRoutableWithItsListenerRoutesClusterAndAnEndpoint() {
    assertTrue(ConfigReadiness.hasService(seed(2).build(), SVC));
  }

  @Test
  void notBeforeEveryPieceHasArrived() {
    assertFalse(ConfigReadiness.hasService(new Report().build(), SVC));
    assertFalse(ConfigReadiness.hasService(new Report()
        .with(ConfigReadiness.LISTENER, SVC, ClientResourceStatus.REQUESTED, null).build(), SVC));
    assertFalse(ConfigReadiness.hasService(new Report().acked(ConfigReadiness.LISTENER, SVC, listener(SVC)).build(), SVC));
    assertFalse(ConfigReadiness.hasService(new Report()
        .acked(ConfigReadiness.LISTENER, SVC, listener(SVC))
        .acked(ConfigReadiness.ROUTE, SVC, routes(SVC, RouteAction.newBuilder().setCluster(SVC).build()))
        .build(), SVC), "no Cluster yet");
    assertFalse(ConfigReadiness.hasService(new Report()
        .acked(ConfigReadiness.LISTENER, SVC, listener(SVC))
        .acked(ConfigReadiness.ROUTE, SVC, routes(SVC, RouteAction.newBuilder().setCluster(SVC).build()))
        .acked(ConfigReadiness.CLUSTER, SVC, cluster(SVC))
        .build(), SVC), "no endpoints yet");
    assertFalse(ConfigReadiness.hasService(seed(0).build(), SVC), "endpoints, but none in them");
  }

  @Test
  void anotherServicesConfigurationDoesNotCount() {
    assertFalse(ConfigReadiness.hasService(seed(2).build(), "other.test:50051"));
  }

  @Test
  void anUnknownServicesListenerRoutesNowhere() {
    // What the control plane answers for a name no Link has: routes without a virtual host.
    Report report = new Report()
        .acked(ConfigReadiness.LISTENER, SVC, listener(SVC))
        .acked(ConfigReadiness.ROUTE, SVC, RouteConfiguration.newBuilder().setName(SVC).build());
    assertFalse(ConfigReadiness.hasService(report.build(), SVC));
    assertTrue(ConfigReadiness.hasListener(report.build(), SVC));
  }

  @Test
  void aWeightedSplitNeedsEveryClusterAndOneEndpoint() {
    RouteAction split = RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
        .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("a"))
        .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("b"))).build();
    Report oneCluster = new Report()
        .acked(ConfigReadiness.LISTENER, SVC, listener(SVC))
        .acked(ConfigReadiness.ROUTE, SVC, routes(SVC, split))
        .acked(ConfigReadiness.CLUSTER, "a", cluster("a"))
        .acked(ConfigReadiness.ENDPOINTS, "a", endpoints("a", 1));
    assertFalse(ConfigReadiness.hasService(oneCluster.build(), SVC));
    assertTrue(ConfigReadiness.hasService(oneCluster
        .acked(ConfigReadiness.CLUSTER, "b", cluster("b"))
        .acked(ConfigReadiness.ENDPOINTS, "b", endpoints("b", 0)).build(), SVC));
  }

  @Test
  void aRejectedUpdateKeepsTheLastGoodVersionApplied() {
    Report report = new Report()
        .with(ConfigReadiness.LISTENER, SVC, ClientResourceStatus.NACKED, listener(SVC))
        .acked(ConfigReadiness.ROUTE, SVC, routes(SVC, RouteAction.newBuilder().setCluster(SVC).build()))
        .acked(ConfigReadiness.CLUSTER, SVC, cluster(SVC))
        .acked(ConfigReadiness.ENDPOINTS, SVC, endpoints(SVC, 1));
    assertTrue(ConfigReadiness.hasService(report.build(), SVC));
  }
}
