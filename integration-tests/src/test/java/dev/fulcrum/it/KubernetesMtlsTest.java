package dev.fulcrum.it;

import static dev.fulcrum.it.KubernetesCluster.READY;
import static dev.fulcrum.it.TrafficRecorder.servers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.Authorization;
import dev.fulcrum.api.link.SeedLink;
import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.ProxyFlags;
import dev.fulcrum.contract.identity.MeshTls;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.identity.IdentityConfig;
import dev.fulcrum.controlplane.identity.IssuerSecret;
import dev.fulcrum.controlplane.kubernetes.KubernetesLinkSource;
import dev.fulcrum.controlplane.kubernetes.ServiceAccountTokens;
import dev.fulcrum.dataplane.Proxy;
import dev.fulcrum.dataplane.ProxyComponent;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.identity.IdentityClient;
import dev.fulcrum.dataplane.identity.WorkloadCertificate;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import dev.fulcrum.tools.echo.EchoServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * mTLS in Kubernetes mode, end to end. The CA is the issuer Secret and trust-anchor ConfigMap (made
 * with docs/deployment.md's openssl steps); every proxy proves its service account with a token the
 * mock API server reviews as a real one would; meshed pods are known from the EndpointSlices'
 * {@code targetRef}s. The seed Link's two Services each have one pod, v1's with its sidecar (a real
 * inbound sidecar process, strict) and v2's, at first, without: TLS is per cluster, so the service is
 * reached in plaintext at its application ports until v2's pod is injected too, then over mTLS. Then
 * the issuer is re-issued, and the trust anchor rotated, as docs/deployment.md says, with
 * certificates of seconds: no call fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesMtlsTest {
  private static final String SERVICE = "grpc-service.default.svc.cluster.local:50051";
  private static final String CLIENT = "default/client";
  /** Renewed at two thirds: a rotation reaches every proxy within seconds. */
  private static final Duration LIFETIME = Duration.ofSeconds(6);
  private static final Duration ROTATED_WITHIN = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newHttpClient();
  private Path dir;
  private Path anchorA;
  private EchoServer v1;
  private EchoServer v2;
  private KubernetesCluster cluster;
  private ControlPlane controlPlane;
  private Mesh.Sidecar sidecarV1;
  private Mesh.Sidecar sidecarV2;
  /** Where each proxy keeps its certificate: v1's sidecar, v2's, the client. */
  private final Map<String, Path> identityDirs = new java.util.LinkedHashMap<>();
  private Proxy proxy;
  private ManagedChannel channel;
  private TrafficRecorder traffic;

  @BeforeAll
  void start() throws Exception {
    v1 = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "v1");
    v2 = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "v2");
    v1.service().logRequests(false);
    v2.service().logRequests(false);
    dir = Files.createTempDirectory("fulcrum-k8s-mtls");
    cluster = new KubernetesCluster();
    cluster.faults().reviewTokens();
    anchorA = OpensslCa.anchor(dir.resolve("anchor-a"), "anchor-a");
    Path issuer1 = OpensslCa.issuer(dir.resolve("issuer-1"), anchorA, "issuer-1");
    cluster.issuerSecret(issuer1.resolve("issuer.crt"), issuer1.resolve("issuer.key"), anchorA.resolve("ca.crt"));
    cluster.trustAnchors(anchorA.resolve("ca.crt"));

    KubernetesLinkSource source = new KubernetesLinkSource(cluster.newClient(),
        KubernetesLinkSource.Settings.defaults(Optional.empty()));
    controlPlane = ControlPlaneComponent.create(ControlPlaneConfig.of(new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0))
        .withIdentity(new IdentityConfig(new IdentityConfig.FromKubernetes(cluster.newClient(),
            KubernetesCluster.CONTROL_PLANE_NAMESPACE, IssuerSecret.DEFAULT_SECRET, IssuerSecret.DEFAULT_ANCHORS),
            SpiffeId.DEFAULT_TRUST_DOMAIN, LIFETIME)),
        source);
    controlPlane.start();
    sidecarV1 = sidecar("echo-v1", v1);
    sidecarV2 = sidecar("echo-v2", v2);
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
        .withIdentity(new ProxyConfig.Identity(CLIENT, Optional.of(identityDir("client")), Optional.of(token("client")))));
    proxy.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).overrideAuthority(SERVICE).usePlaintext().build();
    traffic = new TrafficRecorder(channel, 2);
  }

  /** A projected token of default/{@code account}, as the kubelet mounts it. */
  private Path token(String account) throws Exception {
    return Files.writeString(dir.resolve("token-" + account), ServiceAccountTokens.of("default", account));
  }

  private Path identityDir(String account) {
    Path identity = dir.resolve("identity-" + account);
    identityDirs.put(account, identity);
    return identity;
  }

  private Mesh.Sidecar sidecar(String account, EchoServer app) throws Exception {
    return Mesh.startSidecar(dir.resolve("sidecar-" + account + ".log"), app.port(), "default/" + account,
        controlPlane.xdsPort(), InboundTls.STRICT, sidecarFlags(account));
  }

  private String[] sidecarFlags(String account) throws Exception {
    return new String[] {ProxyFlags.IDENTITY_TOKEN_FILE, token(account).toString(),
        ProxyFlags.IDENTITY_DIR, identityDir(account).toString()};
  }

  /**
   * Stops the sidecar (SIGTERM: it drains) and starts a new one on its ports, which is certified
   * afresh: the client proxy must make a new connection, and a new handshake, to reach it.
   */
  private Mesh.Sidecar restart(Mesh.Sidecar old, String account, EchoServer app) throws Exception {
    old.process().destroy();
    old.process().waitFor();
    Mesh.Sidecar restarted = Mesh.startSidecar(dir.resolve("sidecar-" + account + ".restarted.log"), old.inboundPort(),
        old.adminPort(), app.port(), "default/" + account, controlPlane.xdsPort(), InboundTls.STRICT, sidecarFlags(account));
    Mesh.awaitSidecar(restarted);
    Await.until(() -> mtlsCallsFromTheClient(restarted) > 0, Duration.ofSeconds(20),
        "the client proxy's calls over a new connection to " + account + "'s new sidecar");
    return restarted;
  }

  /**
   * A workload certified now (the current issuer, the current anchors) reaches each sidecar over a
   * new connection: the sidecar trusts the chain of a certificate issued after the rotation.
   */
  private void aNewWorkloadGetsThrough() throws Exception {
    WorkloadCertificate fresh = new IdentityClient("127.0.0.1:" + controlPlane.xdsPort(), "default/newcomer",
        Optional.of(token("newcomer"))).certify();
    for (Map.Entry<Mesh.Sidecar, String> sidecar : Map.of(sidecarV1, "v1", sidecarV2, "v2").entrySet()) {
      ManagedChannel direct = NettyChannelBuilder.forAddress("127.0.0.1", sidecar.getKey().inboundPort())
          // The server's certificate names a SPIFFE ID, no host: its chain is what the proxies check.
          .sslContext(GrpcSslContexts.forClient().keyManager(fresh.key(), fresh.chain())
              .trustManager(InsecureTrustManagerFactory.INSTANCE).build())
          .build();
      try {
        assertEquals(sidecar.getValue(), EchoServiceGrpc.newBlockingStub(direct).withDeadlineAfter(5, TimeUnit.SECONDS)
            .echo(EchoRequest.newBuilder().setMessage("newcomer").build()).getServer());
      } finally {
        direct.shutdownNow();
      }
    }
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
  private long mtlsCallsFromTheClient(Mesh.Sidecar sidecar) {
    String metrics;
    try {
      metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.adminPort()
          + AdminPaths.METRICS)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      throw new AssertionError("cannot read the sidecar's metrics", e);
    }
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

  private static List<X509Certificate> certificates(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast).toList();
    } catch (Exception e) {
      return List.of(); // not written yet
    }
  }

  /** What each proxy holds now, as {@code what} reads its identity directory: proxy → value. */
  private Map<String, Object> held(Function<Path, Object> what) {
    return identityDirs.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> what.apply(e.getValue())));
  }

  /** The issuer of the proxy's certificate, "CN=…". */
  private static Object issuer(Path identity) {
    List<X509Certificate> chain = certificates(identity.resolve(MeshTls.CERTIFICATE_FILE));
    return chain.isEmpty() ? "none" : chain.get(0).getIssuerX500Principal().getName();
  }

  /** The anchors the proxy trusts, "CN=…" each. */
  private static Object anchors(Path identity) {
    return certificates(identity.resolve(MeshTls.TRUST_ANCHORS_FILE)).stream()
        .map(anchor -> anchor.getSubjectX500Principal().getName()).collect(Collectors.toSet());
  }

  private void awaitEveryProxyHolds(Function<Path, Object> what, Object expected, String description)
      throws InterruptedException {
    try {
      Await.until(() -> held(what).values().stream().allMatch(expected::equals), ROTATED_WITHIN,
          "every proxy to hold " + description);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " (they hold: " + held(what) + ")", e);
    }
  }

  /** Calls go on to both pods after a rotation, and none failed since {@code since}. */
  private void noCallFailedSince(long since) throws InterruptedException {
    long now = System.nanoTime();
    Await.until(() -> servers(traffic.callsAfter(now)).equals(Set.of("v1", "v2")) && traffic.callsAfter(now).size() > 50,
        Duration.ofSeconds(10), "calls on both pods after the rotation");
    assertEquals(List.of(), traffic.callsAfter(since).stream().filter(c -> c.failure() != null).toList(),
        "no call failed during the rotation");
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
    Await.until(() -> mtlsCallsFromTheClient(sidecarV1) > 0 && mtlsCallsFromTheClient(sidecarV2) > 0,
        Duration.ofSeconds(20), "calls over mTLS on both sidecars");
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
    traffic = new TrafficRecorder(channel, 2);
  }

  @Test
  @Order(3)
  void reIssuingTheIssuerFailsNoCall() throws Exception {
    long rotated = System.nanoTime();
    Path issuer2 = OpensslCa.issuer(dir.resolve("issuer-2"), anchorA, "issuer-2");
    cluster.issuerSecret(issuer2.resolve("issuer.crt"), issuer2.resolve("issuer.key"), anchorA.resolve("ca.crt"));
    awaitEveryProxyHolds(KubernetesMtlsTest::issuer, "CN=issuer-2", "a certificate from the new issuer");
    aNewWorkloadGetsThrough();
    noCallFailedSince(rotated);
  }

  @Test
  @Order(4)
  void rotatingTheTrustAnchorFailsNoCall() throws Exception {
    long rotated = System.nanoTime();
    Path anchorB = OpensslCa.anchor(dir.resolve("anchor-b"), "anchor-b");
    // 1. Both anchors trusted, 2. the issuer re-issued under the new one, 3. the old one removed.
    cluster.trustAnchors(anchorA.resolve("ca.crt"), anchorB.resolve("ca.crt"));
    awaitEveryProxyHolds(KubernetesMtlsTest::anchors, Set.of("CN=anchor-a", "CN=anchor-b"), "both anchors");
    Path issuer3 = OpensslCa.issuer(dir.resolve("issuer-3"), anchorB, "issuer-3");
    cluster.issuerSecret(issuer3.resolve("issuer.crt"), issuer3.resolve("issuer.key"), anchorB.resolve("ca.crt"));
    awaitEveryProxyHolds(KubernetesMtlsTest::issuer, "CN=issuer-3", "a certificate from the new anchor's issuer");
    aNewWorkloadGetsThrough();
    cluster.trustAnchors(anchorB.resolve("ca.crt"));
    awaitEveryProxyHolds(KubernetesMtlsTest::anchors, Set.of("CN=anchor-b"), "the new anchor alone");
    aNewWorkloadGetsThrough();
    // New connections from the client proxy: its trust follows the anchors too.
    sidecarV1 = restart(sidecarV1, "echo-v1", v1);
    sidecarV2 = restart(sidecarV2, "echo-v2", v2);
    noCallFailedSince(rotated);
  }

  @Test
  @Order(5)
  void authorizationsFromTheApiAreEnforcedOnBothSidecarsAndABadEditKeepsTheLastGoodOne() throws Exception {
    String echoOnly = """
        apiVersion: linkerd.io/v1alpha1
        kind: Authorization
        metadata: {name: %s-callers}
        spec:
          server: {identity: default/%s}
          mode: %s
          rules:
            - from: {identities: ["default/client"]}
              methods: ["/fulcrum.echo.v1.EchoService/Echo"]
        """;
    long applied = System.nanoTime();
    cluster.applyAuthorization(echoOnly.formatted("echo-v1", "echo-v1", "enforce"));
    cluster.applyAuthorization(echoOnly.formatted("echo-v2", "echo-v2", "enforce"));
    Await.until(() -> serverStreamsRefused(10), Duration.ofSeconds(10), "ServerStream refused on both sidecars");

    cluster.applyAuthorization(echoOnly.formatted("echo-v1", "echo-v1", "enforcing"));
    Await.until(() -> {
      Authorization bad = cluster.authorization("echo-v1-callers");
      return bad.getStatus() != null && bad.getStatus().conditions().stream()
          .anyMatch(c -> c.getType().equals("Accepted") && c.getStatus().equals("False") && c.getReason().equals("Invalid"));
    }, Duration.ofSeconds(10), "the bad edit's status: not accepted");
    assertTrue(serverStreamsRefused(10), "the last good policy is still enforced");
    noCallFailedSince(applied); // the allowed traffic, Echo from default/client, throughout
  }

  /** Whether {@code calls} ServerStream calls from the client, over both backends, were all refused. */
  private boolean serverStreamsRefused(int calls) {
    for (int i = 0; i < calls; i++) {
      try {
        EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
            .serverStream(EchoRequest.newBuilder().setMessage("stream?").build()).next();
        return false;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.PERMISSION_DENIED) {
          return false;
        }
      }
    }
    return true;
  }
}
