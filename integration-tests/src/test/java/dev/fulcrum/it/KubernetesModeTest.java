package dev.fulcrum.it;

import static dev.fulcrum.it.KubernetesCluster.NOT_READY;
import static dev.fulcrum.it.KubernetesCluster.READY;
import static dev.fulcrum.it.KubernetesCluster.TERMINATING;
import static dev.fulcrum.it.TrafficRecorder.servers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkStatus;
import dev.fulcrum.api.link.SeedLink;
import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.dashboard.DashboardJson;
import dev.fulcrum.controlplane.dashboard.MeshStats;
import dev.fulcrum.controlplane.kubernetes.ApiServerFaults;
import dev.fulcrum.controlplane.kubernetes.KubernetesLinkSource;
import dev.fulcrum.controlplane.xds.XdsType;
import dev.fulcrum.dataplane.Proxy;
import dev.fulcrum.dataplane.ProxyComponent;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import dev.fulcrum.tools.echo.EchoServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Kubernetes mode end to end: a mock API server with Services, EndpointSlices and Links; a control
 * plane watching it; a proxy (real grpc-xds) in front of "pods", echo servers on 127.0.0.2-7 that
 * share one port as pods do. Traffic follows EndpointSlice edits within a second without a failed
 * call, services answer to their short names, and the API server going away changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesModeTest {
  private static final String SERVICE = "grpc-service.default.svc.cluster.local:50051";
  private static final String SEED = SeedLink.YAML;

  private final List<EchoServer> pods = new ArrayList<>();
  private int podPort;
  private KubernetesCluster cluster;
  private KubernetesLinkSource source;
  private ControlPlane controlPlane;
  private Proxy proxy;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private TrafficRecorder traffic;

  @BeforeAll
  void start() throws Exception {
    startPods(6);
    cluster = new KubernetesCluster();
    createObjects(Map.of("127.0.0.2", READY, "127.0.0.3", READY));
    source = new KubernetesLinkSource(cluster.newClient(), KubernetesLinkSource.Settings.defaults(Optional.empty()));
    controlPlane = ControlPlaneComponent.create(new InetSocketAddress("127.0.0.1", 0), source);
    controlPlane.start();
    proxy = ProxyComponent.create(ProxyConfig.local(0, "127.0.0.1:" + controlPlane.xdsPort(), Optional.empty(), "k8s-proxy"));
    proxy.start();
    traffic = new TrafficRecorder(channel(SERVICE), 4);
    Await.until(() -> servers(recent()).equals(Set.of("pod-2", "pod-3", "pod-4")), Duration.ofSeconds(10),
        "traffic on the three ready pods");
  }

  /** The seed Link, its Services, v1's slice on {@code v1} and v2's on pod-4. */
  private void createObjects(Map<String, EndpointConditions> v1) {
    cluster.service("grpc-service-v1", 7001);
    cluster.service("grpc-service-v2", 7002);
    v1Pods(v1);
    cluster.endpointSlice("grpc-service-v2", "grpc-service-v2-a", podPort, Map.of("127.0.0.4", READY));
    cluster.apply(SEED);
  }

  /** Echo servers "pod-2" ... on 127.0.0.2 ..., all on one port, as pods share their container port. */
  private void startPods(int count) throws IOException {
    for (int attempt = 0; pods.size() < count && attempt < 5; attempt++) {
      pods.forEach(EchoServer::close);
      pods.clear();
      try {
        EchoServer first = EchoServer.start(new InetSocketAddress("127.0.0.2", 0), "pod-2");
        pods.add(first);
        podPort = first.port();
        for (int i = 3; i < 2 + count; i++) {
          pods.add(EchoServer.start(new InetSocketAddress("127.0.0." + i, podPort), "pod-" + i));
        }
      } catch (IOException e) {
        // that port is taken on another address: try another
      }
    }
    pods.forEach(pod -> pod.service().logRequests(false));
    assertEquals(count, pods.size(), "pods started");
  }

  private void v1Pods(Map<String, EndpointConditions> addresses) {
    cluster.endpointSlice("grpc-service-v1", "grpc-service-v1-a", podPort, addresses);
  }

  @AfterAll
  void stop() throws Exception {
    if (traffic != null) {
      traffic.close();
      assertEquals(List.of(), traffic.failures(), "no call may fail while the cluster changes");
    }
    channels.forEach(ManagedChannel::shutdownNow);
    if (proxy != null) {
      proxy.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    pods.forEach(EchoServer::close);
  }

  private ManagedChannel channel(String authority) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port())
        .overrideAuthority(authority).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  private static String call(ManagedChannel channel) {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage("hi").build()).getServer();
  }

  private List<TrafficRecorder.Call> recent() {
    return traffic.callsAfter(System.nanoTime() - 200_000_000L);
  }


  /** Changes v1's pods and checks that within one second only {@code expected} answer, with no failed call. */
  private void v1PodsAndExpect(Map<String, EndpointConditions> v1, Set<String> expected) throws Exception {
    long edited = System.nanoTime();
    v1Pods(v1);
    expectWithinASecond(edited, expected);
  }

  /** Checks that within a second of {@code changed} only {@code expected} answer, steadily, and no call failed since. */
  private void expectWithinASecond(long changed, Set<String> expected) throws InterruptedException {
    traffic.expectOnly(expected, changed, Duration.ofSeconds(1));
  }

  private static Condition condition(Link link, String type) {
    return link.getStatus().conditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  @Order(1)
  void callsAreBalancedAcrossTheReadyPodsOfBothTargets() {
    Map<String, Long> counts = new LinkedHashMap<>();
    ManagedChannel channel = channel(SERVICE);
    for (int i = 0; i < 300; i++) {
      counts.merge(call(channel), 1L, Long::sum);
    }
    assertEquals(Set.of("pod-2", "pod-3", "pod-4"), counts.keySet());
    counts.values().forEach(n -> assertTrue(n >= 60, "each pod gets a fair share: " + counts));
  }

  @Test
  @Order(2)
  void scalingUpAndDownByEditingTheEndpointSliceMovesTrafficWithinASecond() throws Exception {
    v1PodsAndExpect(Map.of("127.0.0.2", READY, "127.0.0.3", READY, "127.0.0.5", READY, "127.0.0.6", READY),
        Set.of("pod-2", "pod-3", "pod-4", "pod-5", "pod-6"));
    v1PodsAndExpect(Map.of("127.0.0.5", READY), Set.of("pod-4", "pod-5"));
    v1PodsAndExpect(Map.of("127.0.0.2", READY, "127.0.0.3", READY), Set.of("pod-2", "pod-3", "pod-4"));
  }

  @Test
  @Order(3)
  void aPodThatIsNotReadyOrTerminatingGetsNoNewCalls() throws Exception {
    v1PodsAndExpect(Map.of("127.0.0.2", READY, "127.0.0.3", NOT_READY), Set.of("pod-2", "pod-4"));
    v1PodsAndExpect(Map.of("127.0.0.2", TERMINATING, "127.0.0.3", READY), Set.of("pod-3", "pod-4"));
    v1PodsAndExpect(Map.of("127.0.0.2", READY, "127.0.0.3", READY), Set.of("pod-2", "pod-3", "pod-4"));
  }

  @Test
  @Order(4)
  void anEndpointChangeResendsOnlyEndpoints() throws Exception {
    long listeners = controlPlane.stats().responses(XdsType.LISTENER);
    long routes = controlPlane.stats().responses(XdsType.ROUTE);
    long clusters = controlPlane.stats().responses(XdsType.CLUSTER);
    long endpoints = controlPlane.stats().responses(XdsType.ENDPOINT);
    v1PodsAndExpect(Map.of("127.0.0.2", READY), Set.of("pod-2", "pod-4"));
    assertEquals(listeners, controlPlane.stats().responses(XdsType.LISTENER));
    assertEquals(routes, controlPlane.stats().responses(XdsType.ROUTE));
    assertEquals(clusters, controlPlane.stats().responses(XdsType.CLUSTER));
    assertEquals(endpoints + 1, controlPlane.stats().responses(XdsType.ENDPOINT));
    v1PodsAndExpect(Map.of("127.0.0.2", READY, "127.0.0.3", READY), Set.of("pod-2", "pod-3", "pod-4"));
  }

  @Test
  @Order(5)
  void theServiceAnswersToItsShortAndLongNames() {
    for (String authority : List.of("grpc-service:50051", "grpc-service.default:50051", "grpc-service.default.svc:50051")) {
      String server = call(channel(authority));
      assertTrue(Set.of("pod-2", "pod-3", "pod-4").contains(server), authority + " reached " + server);
    }
  }

  @Test
  @Order(6)
  void theLinkStatusSaysAcceptedAndHowManyTargetsAreReady() throws Exception {
    Await.until(() -> cluster.get("my-grpc-service").getStatus() != null
        && "2/2".equals(cluster.get("my-grpc-service").getStatus().targetsReady()), Duration.ofSeconds(2), "status 2/2");
    Link link = cluster.get("my-grpc-service");
    assertEquals("True", condition(link, LinkStatus.ACCEPTED).getStatus());
    assertEquals("True", condition(link, LinkStatus.RESOLVED_REFS).getStatus());
  }

  @Test
  @Order(7)
  void anInvalidLinkIsRefusedNamingTheFieldAndOthersAreUnaffected() throws Exception {
    long before = System.nanoTime();
    cluster.apply(SEED.replace("my-grpc-service", "other").replace("grpc-service.default", "other.default")
        .replace("port: 7002", "port: 7003"));
    Await.until(() -> cluster.get("other").getStatus() != null, Duration.ofSeconds(2), "the other Link's status");
    // A port the Service does not have: accepted, but its target does not resolve.
    assertEquals("False", condition(cluster.get("other"), LinkStatus.RESOLVED_REFS).getStatus());
    assertTrue(condition(cluster.get("other"), LinkStatus.RESOLVED_REFS).getMessage()
        .contains("Service default/grpc-service-v2 has no port 7003"));

    cluster.apply(SEED.replace("my-grpc-service", "broken").replace("grpc-service.default", "broken.default")
        .replace("strategy: round-robin", "strategy: fastest"));
    Await.until(() -> cluster.get("broken").getStatus() != null, Duration.ofSeconds(2), "the broken Link's status");
    Condition accepted = condition(cluster.get("broken"), LinkStatus.ACCEPTED);
    assertEquals("False", accepted.getStatus());
    assertTrue(accepted.getMessage().startsWith("spec.strategy: 'fastest'"), accepted.getMessage());
    assertEquals(Set.of("pod-2", "pod-3", "pod-4"), servers(traffic.callsAfter(before)));
    cluster.delete("broken");
    cluster.delete("other");
  }

  @Test
  @Order(8)
  void deletingALinkMakesItsServiceFailFast() throws Exception {
    cluster.apply(SEED.replace("my-grpc-service", "doomed").replace("grpc-service.default", "doomed.default"));
    ManagedChannel channel = channel("doomed.default.svc.cluster.local:50051");
    Await.until(() -> {
      try {
        return call(channel) != null;
      } catch (StatusRuntimeException e) {
        return false;
      }
    }, Duration.ofSeconds(3), "the new Link serves");
    cluster.delete("doomed");
    Await.until(() -> {
      try {
        call(channel);
        return false;
      } catch (StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.UNAVAILABLE;
      }
    }, Duration.ofSeconds(1), "calls to the deleted Link's service fail");
    long start = System.nanoTime();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(channel));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500), "fails fast");
  }

  /**
   * Two replicas, as deploy/ runs them: the proxy's ADS stream went to the first, and the second's
   * dashboard shows it all the same, found as a pod and polled there, under the pod's name.
   */
  @Test
  @Order(9)
  void aSecondReplicasDashboardShowsTheProxyConnectedToTheFirst() throws Exception {
    cluster.proxyPod("echo-client-5c8d", "127.0.0.1", proxy.adminPort());
    try (ControlPlane second = ControlPlaneComponent.create(
        ControlPlaneConfig.of(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0)),
        new KubernetesLinkSource(cluster.newClient(), KubernetesLinkSource.Settings.defaults(Optional.empty())))) {
      second.start();
      URI stats = URI.create("http://127.0.0.1:" + second.adminPort().getAsInt() + "/api/stats");
      MeshStats.Proxy expected = new MeshStats.Proxy("default/echo-client-5c8d", "127.0.0.1:" + proxy.adminPort(), "answering", null);
      Await.until(() -> dashboardProxies(stats).equals(List.of(expected)), Duration.ofSeconds(15),
          "the second replica's dashboard showing the proxy answering");
    }
  }

  private static List<MeshStats.Proxy> dashboardProxies(URI stats) {
    try {
      return new DashboardJson().meshStats(HttpClient.newHttpClient().send(HttpRequest.newBuilder(stats).build(),
          HttpResponse.BodyHandlers.ofString()).body()).proxies();
    } catch (IOException | InterruptedException | RuntimeException e) {
      return List.of(); // not yet
    }
  }

  /**
   * A watch ends with {@code 410 Gone} after missing an event (the EndpointSlice edit happened while
   * it heard nothing): the informer lists again, the proxy follows the edit it had missed, and then
   * an edit made after the re-list, with no failed call throughout.
   */
  @Test
  @Order(9)
  void aWatchEndedBy410GoneIsFollowedByARelistAndLaterChangesReachTheProxy() throws Exception {
    ApiServerFaults faults = cluster.faults();
    faults.deafen("endpointslices");
    long missed = System.nanoTime();
    v1Pods(Map.of("127.0.0.2", READY, "127.0.0.3", READY, "127.0.0.6", READY));
    // Deliberately idle: the edit must not be seen while the watch is deaf (it proves the re-list found it).
    Thread.sleep(500);
    assertEquals(Set.of("pod-2", "pod-3", "pod-4"), servers(traffic.callsAfter(missed)), "the missed edit not seen yet");
    long lists = faults.lists("endpointslices");
    faults.undeafen("endpointslices");
    long gone = System.nanoTime();
    faults.gone("endpointslices");
    Await.until(() -> faults.lists("endpointslices") > lists, Duration.ofSeconds(10), "EndpointSlices listed again");
    expectWithinASecond(gone, Set.of("pod-2", "pod-3", "pod-4", "pod-6"));
    Await.until(() -> faults.watching("endpointslices"), Duration.ofSeconds(10), "EndpointSlices watched again");
    v1PodsAndExpect(Map.of("127.0.0.2", READY, "127.0.0.3", READY), Set.of("pod-2", "pod-3", "pod-4"));
  }

  /**
   * The API server restarts, coming back with the same objects and one change (v1 scaled up to
   * pod-5): the proxy serves the last configuration throughout, never a failed call, and follows
   * the change once the control plane has listed it from the new API server.
   */
  @Test
  @Order(10)
  void anApiServerRestartIsFollowedAndNothingIsRemovedMeanwhile() throws Exception {
    long lost = System.nanoTime();
    cluster.restart();
    Await.until(() -> !source.watching(), Duration.ofSeconds(10), "the control plane seeing the API server gone");
    createObjects(Map.of("127.0.0.2", READY, "127.0.0.3", READY, "127.0.0.5", READY));
    Await.until(() -> traffic.callsAfter(lost).size() > 10, Duration.ofSeconds(5), "traffic while the API server is away");
    assertEquals(Set.of("pod-2", "pod-3", "pod-4"), servers(traffic.callsAfter(lost)), "the last configuration served");
    long back = System.nanoTime();
    cluster.serveReads();
    expectWithinASecondOfTheControlPlane(back, Set.of("pod-2", "pod-3", "pod-4", "pod-5"));
    assertEquals(1, controlPlane.model().links().size());
  }

  /**
   * As {@link #expectWithinASecond}, counted from when the control plane watches again: the
   * informers come back after their retry backoff, which the test does not set.
   */
  private void expectWithinASecondOfTheControlPlane(long back, Set<String> expected) throws InterruptedException {
    Await.until(source::watching, Duration.ofSeconds(30), "the control plane watching the restarted API server");
    expectWithinASecond(back, expected);
  }
}
