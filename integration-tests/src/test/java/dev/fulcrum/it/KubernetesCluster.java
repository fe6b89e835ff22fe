package dev.fulcrum.it;

import dev.fulcrum.api.link.Authorization;
import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkYaml;
import dev.fulcrum.controlplane.identity.IssuerSecret;
import dev.fulcrum.controlplane.injection.InjectionPolicy;
import dev.fulcrum.controlplane.injection.ProxyContainer;
import dev.fulcrum.controlplane.kubernetes.ApiServerFaults;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Kubernetes API for tests: fabric8's mock server in CRUD mode (real HTTP, real client and
 * informers), with the Link CRD from deploy/crds/ applied, and what kubectl would do with it.
 */
final class KubernetesCluster implements AutoCloseable {
  static final String NAMESPACE = "default";
  static final EndpointConditions READY = new EndpointConditions(true, true, false);
  static final EndpointConditions NOT_READY = new EndpointConditions(false, false, false);
  static final EndpointConditions TERMINATING = new EndpointConditions(false, true, true);

  private ApiServerFaults faults = new ApiServerFaults();
  private KubernetesMockServer server =
      new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
  KubernetesClient kubectl;

  KubernetesCluster() throws Exception {
    this(null);
  }

  /** {@code address}: where to listen (null: loopback). */
  private KubernetesCluster(InetAddress address) throws Exception {
    if (address == null) {
      server.init();
    } else {
      server.init(address, 0);
    }
    kubectl = server.createClient();
    applyCrds();
  }

  /** An API server that a Docker engine's containers reach too: on every address of this machine. */
  static KubernetesCluster reachableFromContainers() throws Exception {
    return new KubernetesCluster(InetAddress.getByName("0.0.0.0"));
  }

  int port() {
    return server.getPort();
  }

  /**
   * The API server stops (every connection drops) and a new one starts on its address and port, as
   * after a restart with etcd's data: empty here, so the caller creates the objects again, and
   * refusing reads until {@link #serveReads} so that no informer sees it half filled.
   */
  void restart() throws Exception {
    String host = server.getHostName();
    int port = server.getPort();
    close();
    faults = ApiServerFaults.restartOf(faults);
    faults.refuseReads(503);
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
    server.init(InetAddress.getByName(host), port);
    kubectl = server.createClient();
    applyCrds();
  }

  /** The API server's hand on its watches and reads (410 Gone, dropped watches, missed events). */
  ApiServerFaults faults() {
    return faults;
  }

  /** The restarted API server answers reads. */
  void serveReads() {
    faults.serveReads();
  }

  private void applyCrds() throws Exception {
    Crds.apply(kubectl, Path.of("..", "deploy", "crds"));
  }

  /** The environment that points a {@code tools/fulcrum} process at this API server, and nowhere else. */
  Map<String, String> environment() {
    return environment(server.url("/"));
  }

  static Map<String, String> environment(String apiServer) {
    return Map.of("KUBERNETES_MASTER", apiServer,
        "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
  }

  /** A running pod as the injector leaves it (labelled, the proxy's admin port declared), at {@code ip}. */
  void proxyPod(String name, String ip, int adminPort) {
    kubectl.resource(new PodBuilder()
        .withNewMetadata().withNamespace(NAMESPACE).withName(name)
          .addToLabels(InjectionPolicy.PROXY_LABEL, InjectionPolicy.INJECTED).endMetadata()
        .withNewSpec()
          .addNewContainer().withName("app").withImage("example/client:1").endContainer()
          .addNewContainer().withName(ProxyContainer.NAME).withImage("fulcrum/proxy:0.1.0")
            .addNewPort().withName(ProxyContainer.ADMIN_PORT_NAME).withContainerPort(adminPort).endPort().endContainer()
        .endSpec()
        .withNewStatus().withPhase("Running").withPodIP(ip).endStatus()
        .build()).create();
  }

  /**
   * A pod as the injector leaves it with an inbound side: labelled, running as {@code account}, its
   * proxy's inbound port declared; replacing any pod of that name.
   */
  void meshedPod(String name, String account, int inboundPort) {
    kubectl.pods().inNamespace(NAMESPACE).withName(name).delete();
    kubectl.resource(new PodBuilder()
        .withNewMetadata().withNamespace(NAMESPACE).withName(name)
          .addToLabels(InjectionPolicy.PROXY_LABEL, InjectionPolicy.INJECTED).endMetadata()
        .withNewSpec().withServiceAccountName(account)
          .addNewContainer().withName("app").withImage("example/echo:1").endContainer()
          .addNewContainer().withName(ProxyContainer.NAME).withImage("fulcrum/proxy:0.1.0")
            .addNewPort().withName(ProxyContainer.INBOUND_PORT_NAME).withContainerPort(inboundPort).endPort().endContainer()
        .endSpec()
        .withNewStatus().withPhase("Running").endStatus()
        .build()).create();
  }

  /** A pod the injector did not touch. */
  void plainPod(String name) {
    kubectl.resource(new PodBuilder()
        .withNewMetadata().withNamespace(NAMESPACE).withName(name).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("example/echo:1").endContainer().endSpec()
        .withNewStatus().withPhase("Running").endStatus()
        .build()).create();
  }

  /** The control plane's namespace, where its CA's objects are. */
  static final String CONTROL_PLANE_NAMESPACE = "fulcrum-system";

  /** The issuer Secret as cert-manager writes it: the issuer's PEM certificate and key, and its anchor. */
  void issuerSecret(Path certificate, Path key, Path anchor) throws IOException {
    kubectl.resource(new SecretBuilder()
        .withNewMetadata().withNamespace(CONTROL_PLANE_NAMESPACE).withName(IssuerSecret.DEFAULT_SECRET).endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of(IssuerSecret.CERTIFICATE, base64(certificate), IssuerSecret.KEY, base64(key),
            IssuerSecret.CA, base64(anchor)))
        .build()).createOr(existing -> existing.update());
  }

  /** The trust-anchor ConfigMap: these anchors' PEM certificates, one bundle. */
  void trustAnchors(Path... anchors) throws IOException {
    StringBuilder bundle = new StringBuilder();
    for (Path anchor : anchors) {
      bundle.append(Files.readString(anchor));
    }
    kubectl.resource(new ConfigMapBuilder()
        .withNewMetadata().withNamespace(CONTROL_PLANE_NAMESPACE).withName(IssuerSecret.DEFAULT_ANCHORS).endMetadata()
        .withData(Map.of(IssuerSecret.ANCHOR_BUNDLE, bundle.toString()))
        .build()).createOr(existing -> existing.update());
  }

  private static String base64(Path file) throws IOException {
    return java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(file));
  }

  /** A client for the control plane, of its own. */
  KubernetesClient newClient() {
    return server.createClient();
  }

  /** A Service whose port {@code port} is the pods' port named "grpc". */
  void service(String name, int port) {
    kubectl.resource(new ServiceBuilder()
        .withNewMetadata().withNamespace(NAMESPACE).withName(name).endMetadata()
        .withNewSpec().withPorts(new ServicePortBuilder().withName("grpc").withPort(port)
            .withTargetPort(new IntOrString("grpc")).build()).endSpec()
        .build()).createOr(existing -> existing.update());
  }

  /** Creates or replaces the slice {@code name} of {@code service}: each pod's address and conditions. */
  void endpointSlice(String service, String name, int podPort, Map<String, EndpointConditions> pods) {
    endpointSlice(service, name, podPort, pods, Map.of());
  }

  /** The same, each address the pod {@code podNames} gives it (its {@code targetRef}), where it gives one. */
  void endpointSlice(String service, String name, int podPort, Map<String, EndpointConditions> pods,
      Map<String, String> podNames) {
    kubectl.resource(new EndpointSliceBuilder()
        .withNewMetadata().withNamespace(NAMESPACE).withName(name)
            .addToLabels("kubernetes.io/service-name", service).endMetadata()
        .withAddressType("IPv4")
        .withPorts(new EndpointPortBuilder().withName("grpc").withPort(podPort).withProtocol("TCP").build())
        .withEndpoints(pods.entrySet().stream().map(pod -> new EndpointBuilder()
            .withAddresses(pod.getKey()).withConditions(pod.getValue())
            .withTargetRef(podNames.containsKey(pod.getKey())
                ? new ObjectReferenceBuilder().withKind("Pod").withNamespace(NAMESPACE).withName(podNames.get(pod.getKey())).build()
                : null)
            .build()).toList())
        .build()).createOr(existing -> existing.update());
  }

  /** Applies Link YAML as {@code kubectl apply -f} would. */
  Link apply(String yaml) {
    Link link = LinkYaml.read("kubectl", yaml).get(0).link();
    link.getMetadata().setNamespace(NAMESPACE);
    return kubectl.resource(link).createOr(existing -> existing.update());
  }

  /** Applies Authorization YAML as {@code kubectl apply -f} would. */
  Authorization applyAuthorization(String yaml) {
    Authorization authorization = LinkYaml.read("kubectl", yaml).get(0).authorization();
    authorization.getMetadata().setNamespace(NAMESPACE);
    return kubectl.resource(authorization).createOr(existing -> existing.update());
  }

  Authorization authorization(String name) {
    return kubectl.resources(Authorization.class).inNamespace(NAMESPACE).withName(name).get();
  }

  Link get(String name) {
    return kubectl.resources(Link.class).inNamespace(NAMESPACE).withName(name).get();
  }

  void delete(String name) {
    kubectl.resources(Link.class).inNamespace(NAMESPACE).withName(name).delete();
  }

  /** The API server goes away (all its connections drop). */
  @Override
  public void close() {
    kubectl.close();
    server.destroy();
  }
}
