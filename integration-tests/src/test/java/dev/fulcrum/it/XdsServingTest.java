package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.Strategy;
import dev.fulcrum.controlplane.mesh.Authority;
import dev.fulcrum.controlplane.mesh.Backends;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.MeshLink;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.RoutePolicy;
import dev.fulcrum.controlplane.mesh.Target;
import dev.fulcrum.controlplane.xds.XdsCache;
import dev.fulcrum.controlplane.xds.XdsResources;
import dev.fulcrum.controlplane.xds.XdsServer;
import dev.fulcrum.controlplane.xds.XdsStreamStats;
import dev.fulcrum.controlplane.xds.XdsTranslator;
import dev.fulcrum.controlplane.xds.XdsType;
import dev.fulcrum.dataplane.Proxy;
import dev.fulcrum.dataplane.ProxyComponent;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import dev.fulcrum.tools.echo.EchoServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The control plane's cache against the real grpc-xds client, fed resources directly, including
 * ones the client must reject: the failures seen with java-control-plane's stock SimpleCache.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class XdsServingTest {
  private static final String SERVICE = "svc.test:1";

  private EchoServer v1;
  private EchoServer v2;
  private XdsCache cache;
  private XdsStreamStats stats;
  private XdsServer server;
  private Proxy proxy;
  private ManagedChannel channel;

  @BeforeAll
  void start() throws Exception {
    v1 = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "v1");
    v2 = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "v2");
    v1.service().logRequests(false);
    v2.service().logRequests(false);
    cache = new XdsCache();
    stats = new XdsStreamStats();
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), cache, Set.of(stats), java.util.Optional.empty());
    server.start();
    proxy = ProxyComponent.create(ProxyConfig.local(0, "127.0.0.1:" + server.port(), Optional.of(SERVICE), "xds-it"));
    proxy.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext().build();
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    proxy.close();
    server.close();
    v1.close();
    v2.close();
  }

  /** The translator's resources for {@link #SERVICE} balanced over {@code backend}. */
  private static XdsResources resourcesFor(EchoServer backend) {
    Target target = new Target("127.0.0.1", backend.port());
    MeshLink link = new MeshLink("default/svc", new Authority("svc.test", 1), Strategy.ROUND_ROBIN,
        Backends.of(List.of(target)), RoutePolicy.NONE);
    return new XdsTranslator().translate(new MeshModel(List.of(link),
        Map.of(target, List.of(new Endpoint("127.0.0.1", backend.port()))), List.of()));
  }

  /** The same resources with the Cluster (and its endpoints) renamed: a route switching clusters. */
  private static XdsResources withClusterNamed(XdsResources resources, String cluster) {
    Cluster c = resources.clusters().get(SERVICE);
    ClusterLoadAssignment e = resources.endpoints().get(SERVICE);
    RouteConfiguration r = resources.routes().get(SERVICE);
    RouteConfiguration.Builder route = r.toBuilder();
    route.getVirtualHostsBuilder(0).getRoutesBuilder(0).getRouteBuilder().setCluster(cluster);
    return new XdsResources(resources.listeners(), Map.of(SERVICE, route.build()),
        Map.of(cluster, c.toBuilder().setName(cluster)
            .setEdsClusterConfig(c.getEdsClusterConfig().toBuilder().setServiceName(cluster)).build()),
        Map.of(cluster, e.toBuilder().setClusterName(cluster).build()));
  }

  private String call(long timeoutMillis) {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
        .echo(EchoRequest.newBuilder().setMessage("x").build()).getServer();
  }

  @Test
  @Order(1)
  void aRejectedVersionIsNotSentAgainAndTheNextGoodOneApplies() throws Exception {
    XdsResources good = resourcesFor(v1);
    // grpc-xds rejects lb_policy RANDOM, and with it the whole CDS update.
    XdsResources rejected = new XdsResources(good.listeners(), good.routes(),
        Map.of(SERVICE, good.clusters().get(SERVICE).toBuilder()
            .clearLoadBalancingPolicy().setLbPolicy(Cluster.LbPolicy.RANDOM).build()),
        good.endpoints());
    cache.publish(rejected);
    // The first call subscribes the proxy; with its cluster rejected, it cannot be served.
    assertThrows(StatusRuntimeException.class, () -> call(1000));
    Await.until(() -> stats.rejections(XdsType.CLUSTER) >= 1, Duration.ofSeconds(5), "the client NACKs the cluster");

    long responses = stats.totalResponses();
    // Deliberately idle: a control plane that re-sent the rejected version would do so within this.
    Thread.sleep(2000);
    assertEquals(responses, stats.totalResponses(), "the rejected version must not be sent again");
    assertTrue(responses <= 8, responses + " responses for one configuration");

    long rejections = stats.rejections(XdsType.CLUSTER);
    cache.publish(good);
    Await.until(() -> {
      try {
        return call(1000).equals("v1");
      } catch (StatusRuntimeException e) {
        return false;
      }
    }, Duration.ofSeconds(5), "the good version serves");
    assertEquals(rejections, stats.rejections(XdsType.CLUSTER), "the good version is accepted");
  }

  @Test
  @Order(2)
  void aRouteSwitchingClustersAppliesAtOnceWithoutFailures() throws Exception {
    cache.publish(withClusterNamed(resourcesFor(v1), "cluster-v1"));
    Await.until(() -> {
      try {
        return call(1000).equals("v1");
      } catch (StatusRuntimeException e) {
        return false;
      }
    }, Duration.ofSeconds(5), "serving from cluster-v1");
    try (TrafficRecorder traffic = new TrafficRecorder(channel, 4)) {
      Await.until(() -> traffic.calls().size() > 20, Duration.ofSeconds(5), "traffic before the switch");
      long switched = System.nanoTime();
      cache.publish(withClusterNamed(resourcesFor(v2), "cluster-v2"));
      traffic.expectOnly(Set.of("v2"), switched, Duration.ofSeconds(1));
    }
  }
}
