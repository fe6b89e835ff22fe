package dev.fulcrum.controlplane.injection;

import static dev.fulcrum.controlplane.injection.PodPatching.apply;
import static dev.fulcrum.controlplane.injection.PodPatching.captureInit;
import static dev.fulcrum.controlplane.injection.PodPatching.pod;
import static dev.fulcrum.controlplane.injection.PodPatching.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.ProxyFlags;
import dev.fulcrum.contract.capture.CaptureSettings;
import dev.fulcrum.contract.capture.OpaquePorts;
import dev.fulcrum.controlplane.injection.SidecarInjector.Injection;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Sample pods through the injector, its patch applied to each: the pod that results, as a whole. */
class SidecarInjectorTest {
  private static final Map<String, String> PROMETHEUS = Map.of(
      "prometheus.io/scrape", "true", "prometheus.io/port", "9990", "prometheus.io/path", "/metrics");

  /** As a control plane that issues no identity injects (file mode without --identity-dir); with them: below. */
  private final SidecarInjector injector = new SidecarInjector(SidecarSettings.defaults().withIdentity(false));
  private final SidecarInjector withIdentity = new SidecarInjector(SidecarSettings.defaults());

  private static final String ANNOTATED = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: client
        namespace: default
        annotations: {fulcrum.io/inject: enabled, team: payments}
        labels: {app: client}
      spec:
        containers:
          - name: app
            image: example/client:1
            ports: [{containerPort: 8080}]
      """;

  /** The pod {@code yaml} describes, injected by {@code optIn}'s rules; it must be injected. */
  private Pod injected(String yaml, OptIn optIn) {
    return injected(injector, yaml, optIn, "default");
  }

  /**
   * The same by {@code injector} in {@code namespace}. When it captures, its init container runs the
   * command line of the settings it decided, as the contract writes it.
   */
  private static Pod injected(SidecarInjector injector, String yaml, OptIn optIn, String namespace) {
    Injection injection = injector.inject(pod(yaml), optIn, namespace);
    Decision.Inject decision = assertInstanceOf(Decision.Inject.class, injection.decision(), String.valueOf(injection.decision()));
    Pod pod = apply(injection.patch(), yaml);
    Optional<Container> init = ProxyContainer.named(pod.getSpec(), CaptureContainer.NAME);
    assertEquals(decision.capture().map(capture -> capture.settings().installArgs()), init.map(Container::getArgs));
    return pod;
  }

  /** The capture of a pod whose proxy, outbound on {@code outboundPort}, has no inbound side: no annotation. */
  private static CaptureSettings outboundOnly(int outboundPort) {
    return new CaptureSettings(CaptureSettings.DEFAULT_PROXY_UID, outboundPort, OptionalInt.empty(), List.of(), List.of(), List.of());
  }

  /**
   * The pod {@code yaml} describes with {@code proxy} appended, its capture's init container first of
   * its init containers (on the proxy's outbound port, no inbound side, its resources the proxy's),
   * and {@code annotations} added.
   */
  private static Pod expected(String yaml, Container proxy, Map<String, String> annotations) {
    Container init = captureInit(outboundOnly(Integer.parseInt(flag(proxy, ProxyFlags.LISTEN_PORT))).installArgs());
    init.setResources(proxy.getResources()); // sized as the proxy, so that the pod's requests stay the same
    return expected(yaml, List.of(init), proxy, annotations);
  }

  /** The pod {@code yaml} describes with {@code inits} before its own init containers, {@code proxy} appended, {@code annotations} added. */
  private static Pod expected(String yaml, List<Container> inits, Container proxy, Map<String, String> annotations) {
    PodBuilder pod = new PodBuilder(pod(yaml));
    if (!pod.hasMetadata()) {
      pod.withNewMetadata().endMetadata();
    }
    List<Container> initContainers = new ArrayList<>(inits);
    initContainers.addAll(pod.buildSpec().getInitContainers());
    return pod.editMetadata().addToAnnotations(annotations).addToLabels(InjectionPolicy.PROXY_LABEL, "injected").endMetadata()
        .editSpec().withInitContainers(initContainers).addToContainers(proxy).endSpec()
        .build();
  }

  private Decision notInjected(String yaml, OptIn optIn) {
    Injection injection = injector.inject(pod(yaml), optIn);
    assertTrue(injection.patch().isEmpty(), "expected no patch, got " + injection.patch());
    return injection.decision();
  }

  @Test
  void theProxyContainerIsTheDocumentedOne() {
    Decision.Capture capture = new Decision.Capture(outboundOnly(15001), Optional.empty());
    assertEquals(proxy(), ProxyContainer.of(SidecarSettings.defaults(), new Decision.Inject(15001, 9990, Optional.empty(),
        ProxyCpu.DEFAULT, false, Optional.empty(), Optional.empty(), Optional.of(capture))));
    assertEquals(PodPatching.uncapturedProxy(), ProxyContainer.of(SidecarSettings.defaults(), new Decision.Inject(15001, 9990,
        Optional.empty(), ProxyCpu.DEFAULT, false, Optional.empty(), Optional.empty(), Optional.empty())));
  }

  // --- identity and the inbound side ---

  private Container identityProxy(String yaml, String namespace) {
    return identityProxy(withIdentity, yaml, namespace);
  }

  private Container identityProxy(SidecarInjector withIdentity, String yaml, String namespace) {
    Pod result = injected(withIdentity, yaml, OptIn.POD, namespace);
    assertEquals(ProxyVolumes.volumes(), result.getSpec().getVolumes().subList(
        result.getSpec().getVolumes().size() - 2, result.getSpec().getVolumes().size()));
    return result.getSpec().getContainers().stream().filter(c -> c.getName().equals(ProxyContainer.NAME)).findFirst().orElseThrow();
  }

  private static String flag(Container container, String flag) {
    return flag(container.getArgs(), flag);
  }

  private static String flag(List<String> args, String flag) {
    int at = args.indexOf(flag);
    return at < 0 ? null : args.get(at + 1);
  }

  @Test
  void theProxyIsThePodsServiceAccountWithItsTokenAndATmpfsForItsKey() {
    Container proxy = identityProxy(ANNOTATED.replace("spec:\n", "spec:\n  serviceAccountName: payments-client\n"), "shop");
    assertEquals("shop/payments-client", flag(proxy, dev.fulcrum.contract.ProxyFlags.IDENTITY));
    assertEquals(ProxyVolumes.TOKEN_FILE, flag(proxy, dev.fulcrum.contract.ProxyFlags.IDENTITY_TOKEN_FILE));
    assertEquals(ProxyVolumes.KEY_DIR, flag(proxy, dev.fulcrum.contract.ProxyFlags.IDENTITY_DIR));
    assertEquals(ProxyVolumes.mounts(), proxy.getVolumeMounts());
    io.fabric8.kubernetes.api.model.Volume token = ProxyVolumes.volumes().get(0);
    assertEquals(dev.fulcrum.contract.identity.MeshTls.TOKEN_AUDIENCE,
        token.getProjected().getSources().get(0).getServiceAccountToken().getAudience());
    assertEquals("Memory", ProxyVolumes.volumes().get(1).getEmptyDir().getMedium());
    assertEquals("shop/default", flag(identityProxy(ANNOTATED, "shop"), dev.fulcrum.contract.ProxyFlags.IDENTITY),
        "no serviceAccountName: Kubernetes' default");
  }

  @Test
  void theInboundSideForwardsToTheAppsFirstPortOrTheAnnotatedOne() {
    Container proxy = identityProxy(ANNOTATED, "default");
    assertEquals("4143", flag(proxy, dev.fulcrum.contract.ProxyFlags.INBOUND_PORT));
    assertEquals("8080", flag(proxy, dev.fulcrum.contract.ProxyFlags.APP_PORT), "the app container's port");
    assertEquals("permissive", flag(proxy, dev.fulcrum.contract.ProxyFlags.INBOUND_TLS));
    assertTrue(proxy.getPorts().stream().anyMatch(port -> ProxyContainer.INBOUND_PORT_NAME.equals(port.getName())
        && port.getContainerPort() == 4143));
    Container annotated = identityProxy(ANNOTATED.replace("team: payments", "team: payments, fulcrum.io/app-port: '9000',"
        + " fulcrum.io/inbound-port: '4200', fulcrum.io/inbound-tls: strict"), "default");
    assertEquals("9000", flag(annotated, dev.fulcrum.contract.ProxyFlags.APP_PORT));
    assertEquals("4200", flag(annotated, dev.fulcrum.contract.ProxyFlags.INBOUND_PORT));
    assertEquals("strict", flag(annotated, dev.fulcrum.contract.ProxyFlags.INBOUND_TLS));
  }

  @Test
  void theInboundModeIsThePodsAnnotationElseItsNamespacesLabelElseTheControlPlanesDefault() {
    NamespaceLabels labels = namespace -> namespace.equals("payments")
        ? Map.of(InboundTls.ANNOTATION, "strict") : namespace.equals("shop") ? Map.of(InboundTls.ANNOTATION, "lax") : Map.of();
    SidecarInjector permissiveByDefault = new SidecarInjector(SidecarSettings.defaults(), labels);
    SidecarInjector strictByDefault = new SidecarInjector(SidecarSettings.defaults().withInboundTls(InboundTls.STRICT), labels);
    String permissivePod = ANNOTATED.replace("team: payments", "team: payments, fulcrum.io/inbound-tls: permissive");
    assertEquals("strict", flag(identityProxy(permissiveByDefault, ANNOTATED, "payments"), ProxyFlags.INBOUND_TLS),
        "the namespace's label");
    assertEquals("permissive", flag(identityProxy(permissiveByDefault, permissivePod, "payments"), ProxyFlags.INBOUND_TLS),
        "the pod's annotation over its namespace's label");
    assertEquals("permissive", flag(identityProxy(permissiveByDefault, ANNOTATED, "default"), ProxyFlags.INBOUND_TLS));
    assertEquals("strict", flag(identityProxy(strictByDefault, ANNOTATED, "default"), ProxyFlags.INBOUND_TLS),
        "the control plane's default");
    assertEquals(new Decision.Warn("namespace shop's label fulcrum.io/inbound-tls: 'lax' is neither strict nor permissive;"
        + " no proxy injected"), permissiveByDefault.inject(pod(ANNOTATED), OptIn.POD, "shop").decision());
  }

  @Test
  void aPodsOwnDefaultInboundPolicyGoesToItsProxyAndOnlyAValidOne() {
    assertEquals(null, flag(identityProxy(ANNOTATED, "default"), DefaultInboundPolicy.FLAG),
        "no annotation: the control plane's default applies, so the proxy names none");
    Container denying = identityProxy(ANNOTATED.replace("team: payments",
        "team: payments, fulcrum.io/default-inbound-policy: deny"), "default");
    assertEquals("deny", flag(denying, DefaultInboundPolicy.FLAG));

    Injection bad = withIdentity.inject(pod(ANNOTATED.replace("team: payments",
        "team: payments, fulcrum.io/default-inbound-policy: open")), OptIn.POD, "default");
    assertEquals(new Decision.Warn("annotation fulcrum.io/default-inbound-policy: 'open' is not one of"
        + " allow|authenticated|deny; no proxy injected"), bad.decision());
  }

  @Test
  void aPodListeningOnNoPortGetsNoInboundSide() {
    Container proxy = identityProxy(ANNOTATED.replace("    ports: [{containerPort: 8080}]\n", ""), "default");
    assertEquals(null, flag(proxy, dev.fulcrum.contract.ProxyFlags.INBOUND_PORT));
    assertEquals("default/default", flag(proxy, dev.fulcrum.contract.ProxyFlags.IDENTITY), "still an identity, outbound");
  }

  @Test
  void aBadInboundAnnotationIsAWarningAndNoProxy() {
    Injection injection = withIdentity.inject(pod(ANNOTATED.replace("team: payments", "team: payments, fulcrum.io/inbound-tls: lenient")),
        OptIn.POD, "default");
    assertEquals(new Decision.Warn("annotation fulcrum.io/inbound-tls: 'lenient' is neither strict nor permissive;"
        + " no proxy injected"), injection.decision());
    Injection clash = withIdentity.inject(pod(ANNOTATED.replace("team: payments", "team: payments, fulcrum.io/inbound-port: '9990'")),
        OptIn.POD, "default");
    assertEquals(new Decision.Warn("the proxy's admin and inbound ports are both 9990; no proxy injected"), clash.decision());
  }

  @Test
  void anAnnotatedPodGetsTheProxyBesideItsContainerAndItsAnnotationsKept() {
    assertEquals(expected(ANNOTATED, proxy(), PROMETHEUS), injected(ANNOTATED, OptIn.POD));
  }

  @Test
  void aPodInALabelledNamespaceGetsTheProxyAndItsFirstAnnotations() {
    String yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {generateName: echo-v1-7d9f-, namespace: shop}
        spec:
          containers: [{name: echo, image: fulcrum/proxy:0.1.0, args: [echo, --port, "7001"]}]
        """;
    assertEquals(expected(yaml, proxy(), PROMETHEUS), injected(yaml, OptIn.NAMESPACE));
  }

  @Test
  void aPodWithoutTheAnnotationOutsideALabelledNamespaceIsLeftAlone() {
    String yaml = ANNOTATED.replace("fulcrum.io/inject: enabled, ", "");
    assertInstanceOf(Decision.Skip.class, notInjected(yaml, OptIn.POD));
  }

  @Test
  void aPodThatOptsOutIsLeftAloneEvenInALabelledNamespace() {
    String yaml = ANNOTATED.replace("inject: enabled", "inject: disabled");
    assertInstanceOf(Decision.Skip.class, notInjected(yaml, OptIn.NAMESPACE));
    assertInstanceOf(Decision.Skip.class, notInjected(yaml, OptIn.POD));
  }

  @Test
  void aPodThatHasTheProxyAlreadyIsNotInjectedTwice() {
    Pod once = injected(ANNOTATED, OptIn.POD);
    String yaml = PodPatching.SERIALIZATION.asYaml(once);
    assertEquals(new Decision.Skip("already has fulcrum-proxy"), notInjected(yaml, OptIn.POD));
    assertEquals(new Decision.Skip("already has fulcrum-proxy"), notInjected(yaml, OptIn.NAMESPACE));
  }

  @Test
  void aPodWithNoContainersMemberOrAnEmptyOrNullOneGetsAListOfTheProxy() {
    for (String containers : new String[] {"", "  containers: []\n", "  containers: null\n"}) {
      String yaml = """
          apiVersion: v1
          kind: Pod
          metadata: {name: odd, annotations: null}
          spec:
            restartPolicy: Never
          """ + containers;
      assertEquals(expected(yaml, proxy(), PROMETHEUS), injected(yaml, OptIn.NAMESPACE), containers);
    }
  }

  @Test
  void aPodWithoutMetadataGetsItsAnnotationsAnyway() {
    String yaml = """
        apiVersion: v1
        kind: Pod
        spec:
          containers: [{name: app, image: example/app:1}]
        """;
    assertEquals(expected(yaml, proxy(), PROMETHEUS), injected(yaml, OptIn.NAMESPACE));
  }

  @Test
  void existingVolumesInitContainersAndPrometheusAnnotationsAreKept() {
    String yaml = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: app
          annotations:
            fulcrum.io/inject: enabled
            prometheus.io/scrape: "true"
            prometheus.io/port: "8081"
            a~b/c: kept
        spec:
          initContainers: [{name: migrate, image: example/migrate:1}]
          containers:
            - name: app
              image: example/app:1
              volumeMounts: [{name: config, mountPath: /etc/app}]
          volumes: [{name: config, configMap: {name: app-config}}]
        """;
    // The application's own metrics stay Prometheus's target: a pod has one set of these annotations.
    assertEquals(expected(yaml, proxy(), Map.of()), injected(yaml, OptIn.POD));
  }

  @Test
  void annotationsMoveTheProxysPorts() {
    String yaml = ANNOTATED.replace("team: payments", "fulcrum.io/outbound-port: '16001', fulcrum.io/admin-port: '16002'");
    Map<String, String> prometheus = new HashMap<>(PROMETHEUS);
    prometheus.put("prometheus.io/port", "16002");
    assertEquals(expected(yaml, proxy(16001, 16002), prometheus), injected(yaml, OptIn.POD));
  }

  @Test
  void theServiceAnnotationFixesTheProxysService() {
    String yaml = ANNOTATED.replace("team: payments", "fulcrum.io/service: grpc-service.default.svc.cluster.local:50051");
    Container proxy = proxy();
    proxy.getArgs().addAll(List.of("--service", "grpc-service.default.svc.cluster.local:50051"));
    assertEquals(expected(yaml, proxy, PROMETHEUS), injected(yaml, OptIn.POD));
  }

  @Test
  void theCpuLimitAnnotationSetsTheLimitAndTheNetworkThreads() {
    String yaml = ANNOTATED.replace("team: payments", "fulcrum.io/proxy-cpu-limit: 1500m");
    Container proxy = proxy();
    proxy.getArgs().set(proxy.getArgs().indexOf("--io-threads") + 1, "2");
    proxy.getResources().getLimits().put("cpu", new Quantity("1500m"));
    assertEquals(expected(yaml, proxy, PROMETHEUS), injected(yaml, OptIn.POD));
  }

  @Test
  void aCpuLimitUnderTheRequestLowersTheRequest() {
    String yaml = ANNOTATED.replace("team: payments", "fulcrum.io/proxy-cpu-limit: 50m");
    Container proxy = proxy();
    proxy.getResources().getLimits().put("cpu", new Quantity("50m"));
    proxy.getResources().getRequests().put("cpu", new Quantity("50m"));
    assertEquals(expected(yaml, proxy, PROMETHEUS), injected(yaml, OptIn.POD));
  }

  /** The documented proxy as a native sidecar: restarted always, and probed until ready before the rest start. */
  private static Container nativeProxy() {
    Container proxy = proxy();
    proxy.setRestartPolicy("Always");
    proxy.setStartupProbe(new ProbeBuilder().withNewHttpGet().withPath("/ready").withPort(new IntOrString(9990)).endHttpGet()
        .withInitialDelaySeconds(0).withPeriodSeconds(1).withFailureThreshold(120).build());
    return proxy;
  }

  @Test
  void asANativeSidecarTheProxyIsAnInitContainerThatKeepsRunning() {
    String yaml = ANNOTATED.replace("team: payments", "fulcrum.io/native-sidecar: enabled");
    Pod expected = new PodBuilder(pod(yaml)).editMetadata().addToAnnotations(PROMETHEUS).addToLabels(InjectionPolicy.PROXY_LABEL, "injected").endMetadata()
        .editSpec().withInitContainers(captureInit(outboundOnly(15001).installArgs()), nativeProxy()).endSpec().build();
    assertEquals(expected, injected(yaml, OptIn.POD));
  }

  @Test
  void asANativeSidecarTheProxyComesAfterTheCaptureAndBeforeThePodsOwnInitContainers() {
    String yaml = ANNOTATED.replace("team: payments", "fulcrum.io/native-sidecar: enabled")
        .replace("spec:\n", "spec:\n  initContainers: [{name: migrate, image: example/migrate:1}]\n");
    Pod pod = pod(yaml);
    Container migrate = pod.getSpec().getInitContainers().get(0);
    Pod expected = new PodBuilder(pod).editMetadata().addToAnnotations(PROMETHEUS).addToLabels(InjectionPolicy.PROXY_LABEL, "injected").endMetadata()
        .editSpec().withInitContainers(captureInit(outboundOnly(15001).installArgs()), nativeProxy(), migrate).endSpec().build();
    Pod once = injected(yaml, OptIn.POD);
    assertEquals(expected, once);
    assertEquals(new Decision.Skip("already has fulcrum-proxy"),
        notInjected(PodPatching.SERIALIZATION.asYaml(once), OptIn.NAMESPACE));
  }

  /** {@link #ANNOTATED} with {@code from} replaced by {@code to} is left alone, with {@code warning}. */
  private void assertWarns(String warning, String from, String to) {
    assertTrue(ANNOTATED.contains(from), from);
    assertEquals(new Decision.Warn(warning), notInjected(ANNOTATED.replace(from, to), OptIn.POD));
  }

  @Test
  void whatCannotBeInjectedAsAskedIsLeftAloneWithAWarning() {
    String team = "team: payments";
    assertWarns("fulcrum.io/service: 'grpc-service' is not NAME:PORT; no proxy injected",
        team, "fulcrum.io/service: grpc-service");
    assertWarns("fulcrum.io/service: 'svc:99999' is not NAME:PORT; no proxy injected",
        team, "fulcrum.io/service: 'svc:99999'");
    assertWarns("fulcrum.io/inject: 'true' is neither enabled nor disabled; no proxy injected",
        "inject: enabled", "inject: 'true'");
    assertWarns("fulcrum.io/outbound-port: 'http' is not a port (1-65535); no proxy injected",
        team, "fulcrum.io/outbound-port: http");
    assertWarns("fulcrum.io/admin-port: '70000' is not a port (1-65535); no proxy injected",
        team, "fulcrum.io/admin-port: '70000'");
    assertWarns("the proxy's outbound and admin ports are both 9990; no proxy injected",
        team, "fulcrum.io/outbound-port: '9990'");
    assertWarns("port 15001 is container app's; set fulcrum.io/outbound-port to another; no proxy injected",
        "containerPort: 8080", "containerPort: 15001");
    assertWarns("hostNetwork pods get no Fulcrum proxy", "spec:\n", "spec:\n  hostNetwork: true\n");
    assertWarns("fulcrum.io/proxy-cpu-limit: 'two' is not a CPU quantity of at least 1m (such as '2' or '1500m');"
        + " no proxy injected", team, "fulcrum.io/proxy-cpu-limit: two");
    assertWarns("fulcrum.io/native-sidecar: 'true' is neither enabled nor disabled; no proxy injected",
        team, "fulcrum.io/native-sidecar: 'true'");
    // A namespace's label does not override what the pod itself says.
    assertEquals(new Decision.Warn("fulcrum.io/inject: 'true' is neither enabled nor disabled; no proxy injected"),
        notInjected(ANNOTATED.replace("inject: enabled", "inject: 'true'"), OptIn.NAMESPACE));
  }

  @Test
  void withACollectorInjectedProxiesTrace() {
    SidecarInjector tracing = new SidecarInjector(new SidecarSettings(SidecarSettings.DEFAULT_IMAGE,
        SidecarSettings.DEFAULT_XDS_SERVER, 15001, 9990, Optional.of("http://otel-collector.observability:4318/v1/traces"), 0.05,
        false, InboundTls.DEFAULT));
    Pod result = apply(tracing.inject(pod(ANNOTATED), OptIn.POD).patch(), ANNOTATED);
    Container proxy = proxy();
    proxy.getArgs().addAll(List.of("--otlp-endpoint", "http://otel-collector.observability:4318/v1/traces",
        "--trace-sampling", "0.05"));
    assertEquals(expected(ANNOTATED, proxy, PROMETHEUS), result);
  }

  @Test
  void otherSettingsReachTheContainer() {
    SidecarInjector custom = new SidecarInjector(
        new SidecarSettings("registry.example/fulcrum-proxy:dev", "cp.mesh.svc:18001", 15001, 9990));
    Injection injection = custom.inject(pod(ANNOTATED), OptIn.POD);
    Pod result = apply(injection.patch(), ANNOTATED);
    Container container = result.getSpec().getContainers().get(1);
    assertEquals("registry.example/fulcrum-proxy:dev", container.getImage());
    assertEquals("cp.mesh.svc:18001", container.getArgs().get(container.getArgs().indexOf("--xds-server") + 1));
  }

  // --- traffic capture ---

  private static Container named(Pod pod, String name) {
    return ProxyContainer.named(pod.getSpec(), name).orElseThrow(() -> new AssertionError("no " + name + " in " + pod));
  }

  /** The capture's command line in the pod {@code yaml} describes, injected with identities. */
  private List<String> captureArgs(String yaml) {
    return named(injected(withIdentity, yaml, OptIn.POD, "default"), CaptureContainer.NAME).getArgs();
  }

  @Test
  void theCaptureIsTheDocumentedInitContainerOnTheProxysOwnPorts() {
    Pod pod = injected(withIdentity, ANNOTATED, OptIn.POD, "default");
    // The literal command line, so that a port the proxy does not listen on shows here.
    assertEquals(captureInit(List.of("capture", "install", "--proxy-uid", "65532", "--outbound-port", "15001",
        "--inbound-port", "4143", "--skip-inbound-ports", "9990")), named(pod, CaptureContainer.NAME));
    assertEquals(CaptureContainer.NAME, pod.getSpec().getInitContainers().get(0).getName());
    assertTrue(named(pod, ProxyContainer.NAME).getArgs().contains(ProxyFlags.CAPTURED));

    String moved = ANNOTATED.replace("team: payments", "fulcrum.io/outbound-port: '16001', fulcrum.io/admin-port: '16002',"
        + " fulcrum.io/inbound-port: '4200'");
    Pod movedPod = injected(withIdentity, moved, OptIn.POD, "default");
    Container proxy = named(movedPod, ProxyContainer.NAME);
    List<String> install = named(movedPod, CaptureContainer.NAME).getArgs();
    assertEquals(flag(proxy, ProxyFlags.LISTEN_PORT), flag(install, CaptureSettings.OUTBOUND_PORT));
    assertEquals(flag(proxy, ProxyFlags.INBOUND_PORT), flag(install, CaptureSettings.INBOUND_PORT));
    assertEquals("16002", flag(install, CaptureSettings.SKIP_INBOUND_PORTS), "the admin port, where it moved");
    assertEquals("127.0.0.1", flag(proxy, ProxyFlags.LISTEN_ADDRESS), "where the capture's REDIRECT sends connections");
  }

  @Test
  void theCaptureAloneHasPrivilegesAndOnlyWhatIptablesNeeds() {
    Pod pod = injected(withIdentity, ANNOTATED, OptIn.POD, "default");
    var init = named(pod, CaptureContainer.NAME).getSecurityContext();
    assertEquals(0L, init.getRunAsUser());
    assertEquals(false, init.getRunAsNonRoot());
    assertEquals(false, init.getAllowPrivilegeEscalation());
    assertEquals(null, init.getPrivileged());
    assertEquals(List.of("NET_ADMIN", "NET_RAW"), init.getCapabilities().getAdd());
    assertEquals(List.of("ALL"), init.getCapabilities().getDrop());

    var proxy = named(pod, ProxyContainer.NAME).getSecurityContext();
    assertEquals((long) CaptureSettings.DEFAULT_PROXY_UID, proxy.getRunAsUser(), "the user the capture exempts");
    assertEquals(true, proxy.getRunAsNonRoot());
    assertEquals(false, proxy.getAllowPrivilegeEscalation());
    assertEquals(List.of(), proxy.getCapabilities().getAdd());
    assertEquals(List.of("ALL"), proxy.getCapabilities().getDrop());
  }

  @Test
  void captureIsOnUnlessThePodSaysDisabledThenItIsInjectedAsWithoutCapture() {
    String enabled = ANNOTATED.replace("team: payments", "fulcrum.io/capture: enabled");
    assertEquals(expected(enabled, proxy(), PROMETHEUS), injected(enabled, OptIn.POD));

    String disabled = ANNOTATED.replace("team: payments", "fulcrum.io/capture: disabled, fulcrum.io/opaque-ports: '3306'");
    assertEquals(expected(disabled, List.of(), PodPatching.uncapturedProxy(), PROMETHEUS), injected(disabled, OptIn.POD));

    String nativeDisabled = disabled.replace("fulcrum.io/capture", "fulcrum.io/native-sidecar: enabled, fulcrum.io/capture");
    Pod nativePod = injected(nativeDisabled, OptIn.POD);
    assertEquals(List.of(ProxyContainer.NAME), nativePod.getSpec().getInitContainers().stream().map(Container::getName).toList());
    assertTrue(!nativePod.getSpec().getInitContainers().get(0).getArgs().contains(ProxyFlags.CAPTURED));
  }

  @Test
  void theSkipListsReachTheInitContainerAndTheAdminPortIsAlwaysSkippedInbound() {
    String yaml = ANNOTATED.replace("team: payments", "fulcrum.io/skip-outbound-ports: '5432, 6379',"
        + " fulcrum.io/skip-inbound-ports: '8081', fulcrum.io/skip-outbound-cidrs: '10.96.0.0/12,169.254.169.254/32',"
        + " fulcrum.io/admin-port: '16002'");
    assertEquals(List.of("capture", "install", "--proxy-uid", "65532", "--outbound-port", "15001", "--inbound-port", "4143",
        "--skip-outbound-ports", "5432,6379", "--skip-inbound-ports", "8081,16002",
        "--skip-outbound-cidrs", "10.96.0.0/12,169.254.169.254/32"),
        captureArgs(yaml));
  }

  @Test
  void thePodsOtherPortsAndProbedPortsAreNotTakenToTheInboundSide() {
    String yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: server, annotations: {fulcrum.io/inject: enabled}}
        spec:
          containers:
            - name: app
              image: example/server:1
              ports: [{containerPort: 8080}, {name: metrics, containerPort: 9090}]
              livenessProbe: {tcpSocket: {port: 8080}}
              readinessProbe: {httpGet: {path: /healthz, port: 8081}}
              startupProbe: {httpGet: {path: /started, port: metrics}}
            - name: helper
              image: example/helper:1
              livenessProbe: {grpc: {port: 7070}}
        """;
    List<String> install = captureArgs(yaml);
    assertEquals("7070,8081,9090,9990", flag(install, CaptureSettings.SKIP_INBOUND_PORTS),
        "the application's port 8080 is the inbound side's, probed or not");
  }

  @Test
  void withoutAnInboundSideNothingIsCapturedInbound() {
    String yaml = ANNOTATED.replace("    ports: [{containerPort: 8080}]\n", "")
        .replace("team: payments", "fulcrum.io/skip-inbound-ports: '8081'");
    assertEquals(List.of("capture", "install", "--proxy-uid", "65532", "--outbound-port", "15001", "--no-inbound"),
        captureArgs(yaml));
  }

  @Test
  void opaquePortsGoToTheProxyOnlyWhenThePodNamesThem() {
    assertEquals(null, flag(named(injected(ANNOTATED, OptIn.POD), ProxyContainer.NAME), OpaquePorts.FLAG),
        "the proxy's own default");
    String named = ANNOTATED.replace("team: payments", "fulcrum.io/opaque-ports: '5432, 3306'");
    assertEquals("3306,5432", flag(named(injected(named, OptIn.POD), ProxyContainer.NAME), OpaquePorts.FLAG));
    String none = ANNOTATED.replace("team: payments", "fulcrum.io/opaque-ports: ''");
    assertEquals("", flag(named(injected(none, OptIn.POD), ProxyContainer.NAME), OpaquePorts.FLAG), "none at all");
  }

  @Test
  void aBadCaptureAnnotationIsAWarningNamingItAndNoProxy() {
    String team = "team: payments";
    assertWarns("fulcrum.io/capture: 'off' is neither enabled nor disabled; no proxy injected", team, "fulcrum.io/capture: 'off'");
    assertWarns("fulcrum.io/skip-outbound-ports: 'http' is not a port (1-65535); no proxy injected",
        team, "fulcrum.io/skip-outbound-ports: '5432,http'");
    assertWarns("fulcrum.io/skip-inbound-ports: 70000 is not a port (1-65535); no proxy injected",
        team, "fulcrum.io/skip-inbound-ports: '70000'");
    assertWarns("fulcrum.io/skip-outbound-cidrs: '10.0.0.0/33' is not an IPv4 CIDR (a.b.c.d/n); no proxy injected",
        team, "fulcrum.io/skip-outbound-cidrs: 10.0.0.0/33");
    assertWarns("fulcrum.io/opaque-ports: '' is not a port (1-65535); no proxy injected",
        team, "fulcrum.io/opaque-ports: '3306,'");
    assertWarns("fulcrum.io/skip-outbound-ports: 'x' is not a port (1-65535); no proxy injected",
        team, "fulcrum.io/capture: disabled, fulcrum.io/skip-outbound-ports: x");
  }

  @Test
  void aPodThatHasTheCaptureAlreadyIsNotInjectedAgain() {
    String yaml = ANNOTATED.replace("spec:\n", "spec:\n  initContainers: [{name: fulcrum-init, image: fulcrum/proxy:0.1.0}]\n");
    assertEquals(new Decision.Skip("already has fulcrum-init"), notInjected(yaml, OptIn.POD));
  }
}
