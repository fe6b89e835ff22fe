package dev.fulcrum.it.capture;

import static dev.fulcrum.it.capture.NetworkNamespaces.OTHER_REMOTE_ADDRESS;
import static dev.fulcrum.it.capture.NetworkNamespaces.REMOTE_ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.SeedLink;
import dev.fulcrum.controlplane.injection.CaptureContainer;
import dev.fulcrum.controlplane.injection.OptIn;
import dev.fulcrum.controlplane.injection.ProxyContainer;
import dev.fulcrum.controlplane.injection.SidecarInjector;
import dev.fulcrum.controlplane.injection.SidecarSettings;
import dev.fulcrum.it.Admission;
import dev.fulcrum.it.PrometheusText;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import dev.fulcrum.contract.ProxyFlags;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.capture.CaptureSettings;
import dev.fulcrum.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The captured pod, whole: a "pod" network namespace whose traffic {@code fulcrum capture install}
 * sends to a proxy running there as its own user ({@value CaptureSettings#DEFAULT_PROXY_UID}), and a
 * "remote" one holding two echo backends and servers that are not in the mesh (the control plane
 * runs in the pod, on loopback, where file mode certifies its proxies).
 * Applications in the pod know nothing of Fulcrum: they call services by name, resolved through the
 * pod's /etc/hosts to an address of the remote namespace, where something else listens that
 * would answer if the proxy were bypassed. The command line that captures is the one the injector
 * writes for the pod's init container, taken from its patch.
 */
class CaptureProxyTest {
  private static final Path LAUNCHER = Path.of(System.getProperty("fulcrum.launcher", "../tools/fulcrum")).toAbsolutePath();
  private static final String SERVICE = "grpc-service.default.svc.cluster.local";
  private static final int SERVICE_PORT = 50051;
  private static final int XDS_PORT = 18000;
  private static final int ADMIN_PORT = 9990;
  private static final int CALLS = 40;
  private static final int APP_PORT = 7070;
  private static final String APP_IDENTITY = "default/app";
  private static final int METRICS_PORT = 9100;

  /** The application's pod as its owner writes it: the injector adds the capture and the proxy. */
  private static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
        namespace: default
        annotations: {fulcrum.io/inject: enabled, fulcrum.io/default-inbound-policy: authenticated}
      spec:
        serviceAccountName: app
        containers:
          - name: app
            image: app:1
            ports: [{containerPort: 7070}]
      """;

  private static NetworkNamespaces namespaces;
  private static ReadableClasspath proxyClasspath;
  private static Path logs;
  private static Path proxyLog;

  @BeforeAll
  static void pod() throws Exception {
    dev.fulcrum.it.Prerequisite.require(NetworkNamespaces.permitted(),
        "network namespaces and iptables are not permitted here (ip netns add, iptables-save in it)");
    namespaces = NetworkNamespaces.create();
    logs = Files.createTempDirectory("fulcrum-capture-proxy");
    String testClasspath = System.getProperty("java.class.path");
    // The pod resolves the backends' names to the remote side's first address, the services' to its second.
    namespaces.hosts(namespaces.pod, REMOTE_ADDRESS + " grpc-service-v1", REMOTE_ADDRESS + " grpc-service-v2",
        OTHER_REMOTE_ADDRESS + " " + SERVICE, OTHER_REMOTE_ADDRESS + " other.default.svc.cluster.local",
        OTHER_REMOTE_ADDRESS + " web.default.svc.cluster.local", OTHER_REMOTE_ADDRESS + " smtp.default.svc.cluster.local");
    // The remote side: the backends; an echo server on the service's own address and port, which only
    // a call that bypassed the proxy would reach; a web server and two that speak first, none in the mesh.
    echo(testClasspath, 7001, "v1");
    echo(testClasspath, 7002, "v2");
    echo(testClasspath, SERVICE_PORT, "direct");
    namespaces.httpEcho(namespaces.remote, 8080);
    namespaces.responders(namespaces.remote, "mysql:3306", "smtp:2525");
    Path links = logs.resolve("links.yaml");
    // The seed's Link, verbatim: its targets' names resolve, in the control plane's namespace, to the backends.
    Files.writeString(links, SeedLink.YAML);
    // The control plane runs in the pod, on loopback: in file mode it certifies only callers on its own host.
    namespaces.java(namespaces.pod, null, testClasspath, logs.resolve("control-plane.log"), "dev.fulcrum.tools.Fulcrum",
        "control-plane", "--config", links.toString(), "--xds-port", String.valueOf(XDS_PORT),
        "--identity-dir", logs.resolve("ca").toString());
    // The pod's application, on the port its inbound side serves, and another port of it (its metrics, say).
    echoIn(namespaces.pod, testClasspath, APP_PORT, "app");
    namespaces.responders(namespaces.pod, "metrics:" + METRICS_PORT);

    // The pod: its traffic captured by the init container the injector writes, then the proxy, as its own user.
    Pod pod = injected();
    Container init = pod.getSpec().getInitContainers().get(0);
    assertEquals(CaptureContainer.NAME, init.getName());
    List<String> install = new ArrayList<>(List.of("ip", "netns", "exec", namespaces.pod, LAUNCHER.toString()));
    install.addAll(init.getArgs());
    NetworkNamespaces.Result installed = NetworkNamespaces.run(Duration.ofSeconds(60), install.toArray(String[]::new));
    assertEquals(0, installed.exitCode(), installed.stderr());
    List<String> proxyArgs = ProxyContainer.find(pod.getSpec()).orElseThrow().getArgs();
    assertTrue(proxyArgs.contains(ProxyFlags.CAPTURED), proxyArgs.toString());
    CaptureSettings capture = new CaptureSettings(CaptureSettings.DEFAULT_PROXY_UID, CaptureSettings.DEFAULT_OUTBOUND_PORT,
        CaptureSettings.DEFAULT_INBOUND_PORT, List.of(), List.of(ADMIN_PORT), List.of());
    assertEquals(capture.installArgs(), init.getArgs(), "the injector's capture of this pod");
    proxyClasspath = ReadableClasspath.ofLauncher(LAUNCHER);
    proxyLog = logs.resolve("proxy.log");
    Process proxy = namespaces.java(namespaces.pod, capture.proxyUid(), proxyClasspath.classpath(), proxyLog, "dev.fulcrum.tools.Fulcrum",
        ProxyFlags.COMMAND, ProxyFlags.LISTEN_PORT, String.valueOf(capture.outboundPort()),
        ProxyFlags.XDS_SERVER, "127.0.0.1:" + XDS_PORT, ProxyFlags.CAPTURED,
        ProxyFlags.ADMIN_PORT, String.valueOf(ADMIN_PORT),
        ProxyFlags.IDENTITY, APP_IDENTITY, ProxyFlags.INBOUND_PORT, String.valueOf(capture.inboundPort().getAsInt()),
        ProxyFlags.APP_PORT, String.valueOf(APP_PORT), DefaultInboundPolicy.FLAG, DefaultInboundPolicy.AUTHENTICATED.yamlName());
    try {
      Await.until(() -> !proxy.isAlive()
              || log(proxyLog).contains("proxy listening on") && log(proxyLog).contains("proxy inbound side on"),
          Duration.ofSeconds(60), "the proxy listening, both sides");
      assertTrue(proxy.isAlive(), "the proxy exited");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nproxy log:\n" + log(proxyLog) + "\ncontrol plane log:\n"
          + log(logs.resolve("control-plane.log")), e);
    }
  }

  /** The pod as the webhook's patch makes it. */
  private static Pod injected() throws IOException {
    Pod pod = Serialization.unmarshal(POD, Pod.class);
    SidecarInjector.Injection injection = new SidecarInjector(SidecarSettings.defaults()).inject(pod, OptIn.POD, "default");
    return Admission.patched(pod, Serialization.asJson(injection.patch()));
  }

  private static void echo(String classpath, int port, String name) throws IOException, InterruptedException {
    echoIn(namespaces.remote, classpath, port, name);
  }

  private static void echoIn(String ns, String classpath, int port, String name) throws IOException, InterruptedException {
    Path log = logs.resolve("echo-" + name + ".log");
    namespaces.java(ns, null, classpath, log, "dev.fulcrum.tools.Fulcrum", "echo", "--port", String.valueOf(port),
        "--name", name, "--quiet");
    Await.until(() -> log(log).contains("listening on port"), Duration.ofSeconds(60), "echo server " + name);
  }

  @AfterAll
  static void end() {
    if (namespaces != null) {
      namespaces.close();
    }
    if (proxyClasspath != null) {
      proxyClasspath.close();
    }
  }

  private static String log(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /** What a plain grpc-java client in the pod got, calling {@code target} {@value #CALLS} times: answers by server. */
  private static Map<String, Long> callFromThePod(String target) throws Exception {
    return call(namespaces.pod, target);
  }

  private static Map<String, Long> call(String ns, String target) throws Exception {
    Process client = namespaces.java(ns, null, System.getProperty("java.class.path"), null,
        PlainEchoClient.class.getName(), target, String.valueOf(CALLS));
    String out = new String(client.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(client.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the client did not end");
    return out.lines().collect(Collectors.groupingBy(Function.identity(), java.util.TreeMap::new, Collectors.counting()));
  }

  /** The proxy's metric {@code name} with {@code label}, read from its admin endpoint inside the pod. */
  private static double metric(String name, String label) throws IOException {
    String metrics = namespaces.exchange(namespaces.pod, "127.0.0.1", ADMIN_PORT,
        "GET /metrics HTTP/1.0\r\nHost: admin\r\n\r\n");
    return PrometheusText.sum(metrics, name, label);
  }

  @Test
  void anUnmodifiedGrpcClientsCallsAreBalancedOverBothBackends() throws Exception {
    Map<String, Long> answers = callFromThePod(SERVICE + ":" + SERVICE_PORT);
    assertEquals(List.of("v1", "v2"), List.copyOf(answers.keySet()), "answers: " + answers + "\nproxy log:\n" + log(proxyLog));
    assertEquals(CALLS, answers.get("v1") + answers.get("v2"));
    assertTrue(answers.get("v1") >= CALLS / 4 && answers.get("v2") >= CALLS / 4, "spread over both: " + answers);
    assertTrue(metric("fulcrum_captured_connections_total", "reason=\"mesh-service\"") >= 1);
  }

  @Test
  void gRpcToAServiceWithoutALinkPassesThroughToWhereItWasGoing() throws Exception {
    Map<String, Long> answers = callFromThePod("other.default.svc.cluster.local:" + SERVICE_PORT);
    assertEquals(Map.of("direct", (long) CALLS), answers, "proxy log:\n" + log(proxyLog));
    assertTrue(metric("fulcrum_captured_connections_total", "reason=\"no-link\"") >= 1);
  }

  @Test
  void aCallerOutsideTheMeshDiallingTheApplicationsPortMeetsItsInboundSideAndPolicy() throws Exception {
    // Plaintext, so unauthenticated: the pod's default policy (authenticated) refuses it, naming itself.
    double refusedBefore = metric("fulcrum_inbound_authorizations_total", "authz=\"deny\"");
    Map<String, Long> answers = call(namespaces.remote, NetworkNamespaces.POD_ADDRESS + ":" + APP_PORT);
    assertEquals(1, answers.size(), answers.toString());
    String answer = answers.keySet().iterator().next();
    assertTrue(answer.startsWith("failed: Status{code=PERMISSION_DENIED, description=refused by default:authenticated:"
        + " an unauthenticated caller may not call"), answer);
    assertEquals(refusedBefore + CALLS, metric("fulcrum_inbound_authorizations_total", "authz=\"deny\""));
  }

  @Test
  void aCallerOutsideTheMeshDiallingAnotherPortOfThePodIsDecidedAsAWholeByThePolicy() throws Exception {
    // No call to authorize: an unauthenticated connection, which default:authenticated refuses.
    assertEquals("", namespaces.connect(namespaces.remote, null, NetworkNamespaces.POD_ADDRESS, METRICS_PORT));
    assertTrue(metric("fulcrum_captured_connections_total", "reason=\"policy\"") >= 1);
    // From inside the pod, on loopback, the port answers: the refusal was the proxy's.
    assertEquals("metrics", namespaces.connect(namespaces.pod, null, "127.0.0.1", METRICS_PORT));
  }

  @Test
  void plainHttp1PassesThroughByteForByte() throws Exception {
    double before = metric("fulcrum_opaque_bytes_total", "flow=\"to-destination\"");
    String request = "POST /orders?id=7 HTTP/1.1\r\nHost: web.default.svc.cluster.local:8080\r\nX-Odd:  spaced \t\r\n\r\n";
    String response = namespaces.exchange(namespaces.pod, "web.default.svc.cluster.local", 8080, request);
    assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
    assertEquals(request, response.substring(response.indexOf("\r\n\r\n") + 4), "the body is the request as the server got it");
    assertTrue(metric("fulcrum_captured_connections_total", "reason=\"not-http2\"") >= 1);
    assertTrue(metric("fulcrum_opaque_bytes_total", "flow=\"to-destination\"") >= before + request.length());
  }

  @Test
  void serversThatSpeakFirstAreReachedOnOpaquePortsAtOnceAndOnOthersAfterTheDetectionTimeout() throws Exception {
    assertEquals("mysql", namespaces.connect(namespaces.pod, null, "smtp.default.svc.cluster.local", 3306));
    assertEquals("smtp", namespaces.connect(namespaces.pod, null, "smtp.default.svc.cluster.local", 2525));
    assertTrue(metric("fulcrum_captured_connections_total", "reason=\"opaque-port\"") >= 1);
    assertTrue(metric("fulcrum_captured_connections_total", "reason=\"silent-client\"") >= 1);
  }
}
