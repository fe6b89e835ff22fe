package dev.fulcrum.it;

import static dev.fulcrum.it.KubernetesCluster.READY;
import static dev.fulcrum.it.TrafficRecorder.servers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.SeedLink;
import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.identity.IdentityConfig;
import dev.fulcrum.controlplane.kubernetes.KubernetesLinkSource;
import dev.fulcrum.dataplane.Proxy;
import dev.fulcrum.dataplane.ProxyComponent;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import dev.fulcrum.tools.echo.EchoServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Kubernetes mode knows meshed pods from the EndpointSlices' {@code targetRef}s: a pod the injector
 * gave an inbound side is reached at that port, over mTLS, and must prove its service account. The
 * seed Link's two Services each have one pod, v1's with its sidecar (a real inbound sidecar process,
 * strict) and v2's, at first, without: TLS is per cluster, so the service is reached in plaintext
 * at its application ports until v2's pod is injected too, and then over mTLS, with no failed call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesMeshedEndpointsTest {
  private static final String SERVICE = "grpc-service.default.svc.cluster.local:50051";
  private static final String CLIENT = "default/client";

  private final HttpClient http = HttpClient.newHttpClient();
  private EchoServer v1;
  private EchoServer v2;
  private KubernetesCluster cluster;
  private ControlPlane controlPlane;
  private Mesh.Sidecar sidecarV1;
  private Mesh.Sidecar sidecarV2;
  private Proxy proxy;
  private ManagedChannel channel;
  private TrafficRecorder traffic;

  @BeforeAll
  void start() throws Exception {
    v1 = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "v1");
    v2 = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "v2");
    v1.service().logRequests(false);
    v2.service().logRequests(false);
    Path dir = Files.createTempDirectory("fulcrum-k8s-mtls");
    cluster = new KubernetesCluster();
    KubernetesLinkSource source = new KubernetesLinkSource(cluster.newClient(),
        KubernetesLinkSource.Settings.defaults(Optional.empty()));
    // The CA from a directory (its local callers certified as they ask): TokenReviews have tests of their own.
    controlPlane = ControlPlaneComponent.create(ControlPlaneConfig.of(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0))
        .withIdentity(IdentityConfig.inDirectory(dir.resolve("ca"), SpiffeId.DEFAULT_TRUST_DOMAIN, Duration.ofHours(1))),
        source);
    controlPlane.start();
    sidecarV1 = Mesh.startSidecar(dir.resolve("sidecar-v1.log"), v1.port(), "default/echo-v1", controlPlane.xdsPort(),
        InboundTls.STRICT);
    sidecarV2 = Mesh.startSidecar(dir.resolve("sidecar-v2.log"), v2.port(), "default/echo-v2", controlPlane.xdsPort(),
        InboundTls.STRICT);
    Mesh.awaitSidecar(sidecarV1);
    Mesh.awaitSidecar(sidecarV2);

    cluster.meshedPod("echo-v1-a", "echo-v1", sidecarV1.inboundPort());
    cluster.plainPod("echo-v2-a");
    cluster.service("grpc-service-v1", 7001);
    cluster.service("grpc-service-v2", 7002);
    cluster.endpointSlice("grpc-service-v1", "grpc-service-v1-a", v1.port(), Map.of("127.0.0.1", READY),
        Map.of("127.0.0.1", "echo-v1-a"));
    cluster.endpointSlice("grpc-service-v2", "grpc-service-v2-a", v2.port(), Map.of("127.0.0.1", READY),
        Map.of("127.0.0.1", "echo-v2-a"));
    cluster.apply(SeedLink.YAML);

    proxy = ProxyComponent.create(ProxyConfig.local(0, "127.0.0.1:" + controlPlane.xdsPort(), Optional.empty(), "k8s-proxy")
        .withIdentity(new ProxyConfig.Identity(CLIENT, Optional.empty(), Optional.empty())));
    proxy.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).overrideAuthority(SERVICE).usePlaintext().build();
    traffic = new TrafficRecorder(channel, 2);
  }

  @AfterAll
  void stop() throws Exception {
    if (traffic != null) {
      traffic.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (proxy != null) {
      proxy.close();
    }
    for (Mesh.Sidecar sidecar : new Mesh.Sidecar[] {sidecarV1, sidecarV2}) {
      if (sidecar != null) {
        sidecar.process().destroy();
      }
    }
    if (cluster != null) {
      cluster.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (v1 != null) {
      v1.close();
    }
    if (v2 != null) {
      v2.close();
    }
  }

  /** The calls the sidecar's inbound side took over mTLS from the client proxy, as its /metrics counts them. */
  private long mtlsCallsFromTheClient(Mesh.Sidecar sidecar) throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.adminPort()
        + AdminPaths.METRICS)).build(), HttpResponse.BodyHandlers.ofString()).body();
    String client = SpiffeId.ofWorkload(CLIENT, SpiffeId.DEFAULT_TRUST_DOMAIN).toString();
    return metrics.lines()
        .filter(line -> line.startsWith("fulcrum_calls_seconds_count{") && line.contains("direction=\"inbound\"")
            && line.contains("tls=\"true\"") && line.contains("identity=\"" + client + "\""))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private String call() {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage("hi").build()).getServer();
  }

  @Test
  @Order(1)
  void whilePartOfTheServiceHasNoSidecarItIsReachedInPlaintextAtTheApplicationsPorts() throws Exception {
    Await.until(() -> servers(traffic.callsAfter(System.nanoTime() - 200_000_000L)).equals(Set.of("v1", "v2")),
        Duration.ofSeconds(20), "calls on both pods");
    long v1Calls = v1.service().calls();
    for (int i = 0; i < 20; i++) {
      call();
    }
    assertTrue(v1.service().calls() > v1Calls, "v1 answers");
    assertEquals(0, mtlsCallsFromTheClient(sidecarV1), "v1's calls did not go through its sidecar");
  }

  @Test
  @Order(2)
  void onceEveryPodHasASidecarCallsGoOverMtlsToTheInboundSidesWithNoFailedCall() throws Exception {
    long injected = System.nanoTime();
    cluster.meshedPod("echo-v2-a", "echo-v2", sidecarV2.inboundPort());
    try {
      Await.until(() -> {
        try {
          return mtlsCallsFromTheClient(sidecarV1) > 0 && mtlsCallsFromTheClient(sidecarV2) > 0;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }, Duration.ofSeconds(20), "calls over mTLS on both sidecars");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the control plane's endpoints: " + controlPlane.model().endpoints()
          + "; the last calls: " + traffic.callsAfter(System.nanoTime() - 1_000_000_000L).stream().limit(3).toList(), e);
    }
    traffic.close();
    assertEquals(List.of(), traffic.callsAfter(injected).stream().filter(c -> c.failure() != null).toList(),
        "no call failed while the service moved to mTLS");

    // Settled: every call crosses a sidecar, which proved the identity the pod's service account gives.
    long[] before = {v1.service().calls(), v2.service().calls(), mtlsCallsFromTheClient(sidecarV1),
        mtlsCallsFromTheClient(sidecarV2)};
    for (int i = 0; i < 40; i++) {
      call();
    }
    long v1Calls = v1.service().calls() - before[0];
    long v2Calls = v2.service().calls() - before[1];
    assertEquals(40, v1Calls + v2Calls);
    assertTrue(v1Calls > 0 && v2Calls > 0, "both pods answer: " + v1Calls + ", " + v2Calls);
    assertEquals(v1Calls, mtlsCallsFromTheClient(sidecarV1) - before[2], "each of v1's calls through its sidecar");
    assertEquals(v2Calls, mtlsCallsFromTheClient(sidecarV2) - before[3], "each of v2's calls through its sidecar");
  }
}
