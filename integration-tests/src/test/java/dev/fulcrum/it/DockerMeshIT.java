package dev.fulcrum.it;

import static dev.fulcrum.it.TrafficRecorder.servers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.SeedLink;
import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.stats.BackendStats;
import dev.fulcrum.contract.stats.ProxyStats;
import dev.fulcrum.contract.stats.StatsJson;
import dev.fulcrum.testing.Await;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

/**
 * Fulcrum's images on a real Docker engine: a control plane, echo servers and a proxy, each its
 * own container; the test calls the proxy from the host. Faults are Docker's own: stop, kill,
 * network disconnect. Pods the webhook injects run as containers sharing a network namespace: in
 * file mode ({@link DockerMesh}), and in Kubernetes mode with identities ({@link DockerKubernetesMesh}).
 */
class DockerMeshIT {
  /** The seed's Link, but also retrying UNAVAILABLE, which a backend that dies mid-call returns. */
  private static final String RESILIENT_LINK = SeedLink.YAML
      .replace("retry-on: [\"cancelled\", \"deadline-exceeded\"]",
          "retry-on: [\"cancelled\", \"deadline-exceeded\", \"unavailable\"]");

  /** The same, with a third backend, v3. */
  private static final String WITH_V3 = RESILIENT_LINK.replace("- {name: grpc-service-v2, port: 7002}",
      "- {name: grpc-service-v2, port: 7002}\n    - {name: grpc-service-v3, port: 7003}");
  private static final int CALLERS = 4;
  /**
   * An application that calls its sidecar on loopback, as docs/deployment.md tells pods that opt
   * out of capture to (DockerMesh runs a pod's containers, not its init containers).
   */
  private static final String CLIENT_POD = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: echo-client
        namespace: default
        annotations:
          fulcrum.io/inject: enabled
          fulcrum.io/capture: disabled
          fulcrum.io/service: grpc-service.default.svc.cluster.local:50051
      spec:
        serviceAccountName: client
        containers:
          - name: client
            image: fulcrum/proxy:0.1.0
            args: [bench, --target, "127.0.0.1:15001", --duration, 120s, --concurrency, "2"]
      """;

  /**
   * An unchanged application, captured: it calls the service by its name (resolved by the pod's
   * host alias to an address in TEST-NET-1, as a ClusterIP, which only the capture answers), as a
   * user of its own, the proxy's being the one capture leaves alone.
   */
  private static final String CAPTURED_CLIENT_POD = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: echo-client
        namespace: default
        annotations: {fulcrum.io/inject: enabled}
      spec:
        serviceAccountName: client
        hostAliases: [{ip: 192.0.2.10, hostnames: [grpc-service.default.svc.cluster.local]}]
        containers:
          - name: client
            image: fulcrum/proxy:0.1.0
            args: [bench, --target, "grpc-service.default.svc.cluster.local:50051", --duration, 120s, --concurrency, "2"]
            securityContext: {runAsUser: 1000}
      """;

  @BeforeAll
  static void docker() {
    Prerequisite.require(DockerMesh.dockerAvailable(), "no Docker engine: the container suite needs one (.ci/run starts it)");
  }

  @Test
  void theSeedLinkSpreadsCallsFromTheHostAcrossBothEchoContainers() throws Exception {
    try (DockerMesh mesh = new DockerMesh(SeedLink.YAML)) {
      Map<String, Integer> counts = Calls.count(callsOnceReady(mesh, 200));
      assertEquals(Map.of("v1", 100, "v2", 100), counts, "round-robin over both containers");
    }
  }

  @Test
  void callsKeepFlowingWhileTheControlPlaneContainerIsStoppedAndRestarted() throws Exception {
    try (DockerMesh mesh = new DockerMesh(RESILIENT_LINK)) {
      callsOnceReady(mesh, 10);
      try (TrafficRecorder traffic = new TrafficRecorder(mesh.proxyChannel(), CALLERS)) {
        long down = System.nanoTime();
        mesh.restartControlPlane(Duration.ofSeconds(3));
        assertTrue(servedBoth(traffic.callsAfter(down)), "both backends served while the control plane was down");

        // The proxy reconnects to the restarted control plane and follows a change made there.
        mesh.startEcho("v3", 7003);
        mesh.writeLinks(WITH_V3);
        // Reconnecting waits out grpc-xds's backoff, grown while the control plane was away.
        Await.until(() -> servers(recent(traffic)).contains("v3"), Duration.ofSeconds(120),
            "v3 in the traffic after the restart");
        assertEquals(List.of(), traffic.failures(), "no call failed");
      }
    }
  }

  @Test
  void aKilledBackendsTrafficMovesToTheOtherWithItsInFlightCallsRetried() throws Exception {
    try (DockerMesh mesh = new DockerMesh(RESILIENT_LINK)) {
      callsOnceReady(mesh, 10);
      try (TrafficRecorder traffic = new TrafficRecorder(mesh.proxyChannel(), CALLERS)) {
        Await.until(() -> servers(traffic.calls()).equals(Set.of("v1", "v2")), Duration.ofSeconds(10), "traffic");
        long beforeKill = System.nanoTime();
        mesh.killEcho("v2");
        long killed = System.nanoTime();
        Await.until(() -> traffic.callsAfter(killed).size() > 500, Duration.ofSeconds(30), "traffic after the kill");
        assertEquals(Set.of("v1"), servers(recent(traffic)), "only v1 answers once v2 is gone");
        // Calls v2 failed with UNAVAILABLE were retried on v1. Two kinds cannot be, and only calls
        // in flight on v2 at the kill, so at most one per caller (CALLERS callers, one call each
        // at a time): a call whose response had begun (its headers already passed on to the
        // caller, so no proxy may replay it) when the connection broke ("io exception"), and what
        // grpc-java's transport reports as a connection closed under a call (grpc/grpc-java#10474),
        // which escapes its retry policy. Both reach the caller as UNAVAILABLE, at the kill.
        List<TrafficRecorder.Call> failed = traffic.calls().stream().filter(c -> c.failure() != null).toList();
        assertTrue(failed.size() <= CALLERS && failed.stream().allMatch(c -> c.failure().contains("UNAVAILABLE")
            && (c.failure().contains("the connection to the backend closed") || c.failure().contains("io exception"))
            && c.endNanos() > beforeKill && c.endNanos() < killed + Duration.ofSeconds(5).toNanos()),
            "only calls caught by the kill on a breaking connection failed: " + failed);
      }
    }
  }

  @Test
  void aPartitionFromTheControlPlaneLeavesTrafficAloneAndHealsWithTheLatestConfiguration() throws Exception {
    try (DockerMesh mesh = new DockerMesh(RESILIENT_LINK)) {
      callsOnceReady(mesh, 10);
      try (TrafficRecorder traffic = new TrafficRecorder(mesh.proxyChannel(), CALLERS)) {
        String address = mesh.partitionProxyFromControlPlane();
        long cut = System.nanoTime();
        // A change the proxy cannot hear about until the partition heals.
        mesh.startEcho("v3", 7003);
        int published = mesh.configurationsPublished();
        mesh.writeLinks(RESILIENT_LINK.replace("- {name: grpc-service-v1, port: 7001}",
            "- {name: grpc-service-v3, port: 7003}"));
        // Only once the control plane serves the edit does the old traffic show the partition held it back.
        Await.until(() -> mesh.configurationsPublished() > published, Duration.ofSeconds(30),
            "the control plane serving the edit");
        long edited = System.nanoTime();
        Await.until(() -> traffic.callsAfter(edited).size() > 500, Duration.ofSeconds(30), "traffic after the edit");
        assertEquals(Set.of("v1", "v2"), servers(traffic.callsAfter(cut)), "the last configuration served while cut off");

        mesh.healPartition(address);
        Await.until(() -> servers(recent(traffic)).equals(Set.of("v2", "v3")), Duration.ofSeconds(90),
            "the new configuration after the partition healed");
        assertEquals(List.of(), traffic.failures(), "no call failed");
      }
    }
  }

  @Test
  void aBackendReplacedUnderTheSameNameIsFollowedWithoutALinkChange() throws Exception {
    try (DockerMesh mesh = new DockerMesh(RESILIENT_LINK)) {
      callsOnceReady(mesh, 10);
      try (TrafficRecorder traffic = new TrafficRecorder(mesh.proxyChannel(), CALLERS)) {
        // A rolling update: the new v2 comes up under the same name, at another address; the old
        // one is stopped (SIGTERM, it drains). The control plane looks the name up again.
        mesh.startEcho("v2-new", 7002, "grpc-service-v2");
        mesh.stopEcho("v2");
        Await.until(() -> servers(recent(traffic)).equals(Set.of("v1", "v2-new")), Duration.ofSeconds(60),
            "the replacement, and only it, in the traffic");
        assertEquals(List.of(), traffic.failures(), "no call failed");
      }
    }
  }

  @Test
  void aNewBackendContainerJoinsWhenTheLinkNamesIt() throws Exception {
    try (DockerMesh mesh = new DockerMesh(RESILIENT_LINK)) {
      callsOnceReady(mesh, 10);
      try (TrafficRecorder traffic = new TrafficRecorder(mesh.proxyChannel(), CALLERS)) {
        mesh.startEcho("v3", 7003);
        mesh.writeLinks(WITH_V3);
        Await.until(() -> servers(recent(traffic)).equals(Set.of("v1", "v2", "v3")), Duration.ofSeconds(30),
            "all three backends in the traffic");
        assertEquals(List.of(), traffic.failures(), "no call failed");
      }
    }
  }

  @Test
  void aPodTheWebhookInjectsCallsThroughItsSidecarToBothBackends() throws Exception {
    try (DockerMesh mesh = new DockerMesh(SeedLink.YAML)) {
      Pod pod = Admission.admit(CLIENT_POD, mesh.webhook(), mesh.webhookCertificate());
      Container sidecar = pod.getSpec().getContainers().stream()
          .filter(container -> container.getName().equals("fulcrum-proxy")).findFirst()
          .orElseThrow(() -> new AssertionError("no proxy injected: " + pod));
      HTTPGetAction readiness = sidecar.getReadinessProbe().getHttpGet();
      int adminPort = readiness.getPort().getIntVal();

      List<GenericContainer<?>> containers = mesh.startPod(pod, adminPort);
      try {
        URI admin = URI.create("http://localhost:" + containers.get(0).getMappedPort(adminPort));
        Await.until(() -> answer(admin.resolve(AdminPaths.STATS)).map(DockerMeshIT::backendsWithRequests).orElse(0L) == 2,
            Duration.ofSeconds(60), "the sidecar's /stats showing calls to both echo servers");
        assertEquals(200, status(admin.resolve(readiness.getPath())), "readiness probe " + readiness.getPath());
        assertEquals(200, status(admin.resolve(sidecar.getLivenessProbe().getHttpGet().getPath())), "liveness probe");
        ProxyStats stats = StatsJson.read(get(admin.resolve(AdminPaths.STATS)));
        assertEquals(0, stats.getServicesList().stream().flatMap(service -> service.getBackendsList().stream())
            .mapToLong(BackendStats::getFailures).sum(), "no call failed: " + stats);
      } finally {
        Collections.reverse(containers);
        containers.forEach(GenericContainer::stop);
      }
    }
  }

  @Test
  void anUnchangedApplicationsCallsAreCapturedAndGoOverMtlsToBothInjectedPods() throws Exception {
    try (DockerKubernetesMesh mesh = new DockerKubernetesMesh()) {
      mesh.cluster().apply(SeedLink.YAML);
      for (int v = 1; v <= 2; v++) {
        // An echo server whose pod the webhook injects: its sidecar's inbound side in front of it, strict.
        Pod echo = Admission.admit("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: echo-v%1$d
              namespace: default
              annotations: {fulcrum.io/inject: enabled, fulcrum.io/inbound-tls: strict}
            spec:
              serviceAccountName: echo-v%1$d
              containers:
                - name: echo
                  image: fulcrum/proxy:0.1.0
                  args: [echo, --port, "700%1$d", --name, v%1$d, --quiet]
                  ports: [{containerPort: 700%1$d}]
            """.formatted(v), mesh.webhook(), mesh.webhookCertificate());
        DockerKubernetesMesh.RunningPod pod = mesh.run(echo, 9990);
        mesh.service("grpc-service-v" + v, 7000 + v, pod, "echo-v" + v, 7000 + v);
      }
      Pod client = Admission.admit(CAPTURED_CLIENT_POD, mesh.webhook(), mesh.webhookCertificate());
      DockerKubernetesMesh.RunningPod pod = mesh.run(client, 9990);
      URI admin = pod.published(9990);
      Await.until(() -> answer(admin.resolve(AdminPaths.STATS)).map(DockerMeshIT::backendsWithRequests).orElse(0L) == 2,
          Duration.ofSeconds(60), "the client's sidecar's /stats showing calls to both echo pods");
      ProxyStats stats = StatsJson.read(get(admin.resolve(AdminPaths.STATS)));
      List<BackendStats> backends = stats.getServicesList().stream().flatMap(service -> service.getBackendsList().stream())
          .filter(backend -> backend.getRequests() > 0).toList();
      assertEquals(Set.of("spiffe://cluster.local/ns/default/sa/echo-v1", "spiffe://cluster.local/ns/default/sa/echo-v2"),
          backends.stream().map(BackendStats::getIdentity).collect(java.util.stream.Collectors.toSet()), stats.toString());
      for (BackendStats backend : backends) {
        assertTrue(backend.getTls(), "over mTLS: " + backend);
        assertTrue(backend.getBackend().endsWith(":4143"), "to the pod's inbound side: " + backend);
        assertEquals(0, backend.getFailures(), "no call failed: " + backend);
      }
      String metrics = get(admin.resolve(AdminPaths.METRICS));
      assertTrue(PrometheusText.sum(metrics, "fulcrum_captured_connections_total", "handling=\"balanced\"") >= 1,
          "the application's connection captured and balanced:\n" + metrics);
    }
  }

  /** The backends a proxy's /stats shows calls to, read through the contract as the dashboard reads it. */
  private static long backendsWithRequests(String statsJson) {
    return StatsJson.read(statsJson).getServicesList().stream().flatMap(service -> service.getBackendsList().stream())
        .filter(backend -> backend.getRequests() > 0).count();
  }

  /** The body of a 200 answer to GET {@code uri}; anything else fails the test. */
  private static String get(URI uri) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), uri + ": " + response.body());
    return response.body();
  }

  /** The body of a 200 answer to GET {@code uri}, or empty while nothing answers there yet (a container starting). */
  private static Optional<String> answer(URI uri) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
    } catch (java.io.IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static int status(URI uri) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /**
   * {@code count} calls in a row, once the proxy answers from both echo containers: each of its
   * connections becomes ready on its own, and until both are, every call goes to the one that is.
   */
  private static List<String> callsOnceReady(DockerMesh mesh, int count) throws InterruptedException {
    try {
      Await.until(() -> {
        try {
          return Set.copyOf(Calls.sequence(mesh.proxyChannel(), 4)).equals(Set.of("v1", "v2"));
        } catch (RuntimeException e) {
          return false;
        }
      }, Duration.ofSeconds(60), "calls through the proxy container answered by v1 and v2");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the proxy's log:\n" + mesh.proxyLogs(), e);
    }
    return Calls.sequence(mesh.proxyChannel(), count);
  }

  private static List<TrafficRecorder.Call> recent(TrafficRecorder traffic) {
    return traffic.callsAfter(System.nanoTime() - 500_000_000L);
  }

  private static boolean servedBoth(List<TrafficRecorder.Call> calls) {
    return servers(calls).equals(Set.of("v1", "v2"));
  }
}
