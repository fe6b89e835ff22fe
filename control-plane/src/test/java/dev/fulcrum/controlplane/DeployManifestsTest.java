package dev.fulcrum.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.ClusterLink;
import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.SeedLink;
import dev.fulcrum.controlplane.injection.OptIn;
import dev.fulcrum.controlplane.injection.SidecarSettings;
import dev.fulcrum.controlplane.mesh.LinkOrError;
import dev.fulcrum.controlplane.mesh.LinkValidator;
import dev.fulcrum.controlplane.source.StaticLinkSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.ConfigMap;
import dev.fulcrum.controlplane.identity.IssuerSecret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/ as kubectl would apply it, without a cluster: every manifest is typed fabric8 objects,
 * and the numbers and names that must agree across them (and with the code) do.
 */
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final String NAMESPACE = "fulcrum-system";
  private static final String NAME = "fulcrum-control-plane";
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  static {
    YAML.registerKubernetesResource(Link.class);
  }

  /** Every object of one manifest file, in order; each must be of a typed model class. */
  private static List<HasMetadata> load(String file) throws IOException {
    String text = Files.readString(DEPLOY.resolve(file));
    Object loaded = YAML.unmarshal(text);
    List<HasMetadata> objects = new ArrayList<>();
    for (Object object : loaded instanceof List<?> list ? list : List.of(loaded)) {
      assertTrue(object instanceof HasMetadata, file + ": " + object);
      assertFalse(object instanceof GenericKubernetesResource, file + ": untyped " + object);
      objects.add((HasMetadata) object);
    }
    return objects;
  }

  private static <T> T one(String file, Class<T> type, String name) throws IOException {
    List<T> matching = load(file).stream().filter(type::isInstance).map(type::cast)
        .filter(object -> ((HasMetadata) object).getMetadata().getName().equals(name)).toList();
    assertEquals(1, matching.size(), file + ": one " + type.getSimpleName() + " " + name);
    return matching.get(0);
  }

  private static Deployment controlPlane() throws IOException {
    return one("control-plane.yaml", Deployment.class, NAME);
  }

  private static Container container(PodTemplateSpec template) {
    assertEquals(1, template.getSpec().getContainers().size());
    return template.getSpec().getContainers().get(0);
  }

  /** {@code --flag=value} arguments as a map (the control plane's are all written so). */
  private static Map<String, String> flags(Container container) {
    Map<String, String> flags = new HashMap<>();
    for (String arg : container.getArgs()) {
      int equals = arg.indexOf('=');
      flags.put(equals < 0 ? arg : arg.substring(0, equals), equals < 0 ? "" : arg.substring(equals + 1));
    }
    return flags;
  }

  /** The container port a name or number refers to; it must be declared. */
  private static int containerPort(Container container, IntOrString port) {
    if (port.getIntVal() != null) {
      assertTrue(container.getPorts().stream().anyMatch(p -> p.getContainerPort().equals(port.getIntVal())),
          container.getName() + " declares port " + port.getIntVal());
      return port.getIntVal();
    }
    return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort).findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " has no port named " + port.getStrVal()));
  }

  @Test
  void everyManifestIsTypedObjects() throws IOException {
    List<String> files;
    try (Stream<Path> paths = Stream.of("", "example", "multicluster").flatMap(DeployManifestsTest::list)) {
      files = paths.filter(p -> p.toString().endsWith(".yaml")).map(p -> DEPLOY.relativize(p).toString()).sorted().toList();
    }
    assertEquals(List.of("control-plane-rbac.yaml", "control-plane.yaml", "example/client.yaml", "example/echo.yaml",
        "example/link.yaml", "identity.yaml", "multicluster/remote-access.yaml", "namespace.yaml", "sidecar-injector.yaml"),
        files);
    for (String file : files) {
      List<HasMetadata> objects = load(file);
      assertFalse(objects.isEmpty(), file);
      List<String> unknown = new ArrayList<>();
      objects.forEach(object -> unknownFields(object, file + ": " + object.getKind(), unknown));
      assertEquals(List.of(), unknown, "fields kubectl would refuse");
    }
    assertNotNull(one("crds/links.linkerd.io-v1.yml", CustomResourceDefinition.class, "links.linkerd.io"));
    assertNotNull(one("crds/authorizations.linkerd.io-v1.yml", CustomResourceDefinition.class, "authorizations.linkerd.io"));
    assertNotNull(one("crds/clusterlinks.linkerd.io-v1.yml", CustomResourceDefinition.class, "clusterlinks.linkerd.io"));
  }

  /** What {@code role} grants, as {@code GROUP/RESOURCE:VERB}. */
  private static Set<String> granted(ClusterRole role) {
    Set<String> granted = new TreeSet<>();
    role.getRules().forEach(rule -> rule.getApiGroups().forEach(group -> rule.getResources().forEach(resource ->
        rule.getVerbs().forEach(verb -> granted.add(group + "/" + resource + ":" + verb)))));
    return granted;
  }

  private static Stream<Path> list(String directory) {
    try {
      return Files.list(DEPLOY.resolve(directory)).toList().stream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aLinkedClusterGrantsItsMirrorsReadingServicesAndEndpointSlicesOnly() throws IOException {
    String file = "multicluster/remote-access.yaml";
    ClusterRole role = one(file, ClusterRole.class, ClusterLink.MIRROR_ACCOUNT);
    Set<String> granted = granted(role);
    assertEquals(new TreeSet<>(List.of("/services:get", "/services:list", "/services:watch",
        "discovery.k8s.io/endpointslices:get", "discovery.k8s.io/endpointslices:list",
        "discovery.k8s.io/endpointslices:watch")), granted);
    role.getRules().forEach(rule -> assertTrue(rule.getResourceNames().isEmpty() && rule.getNonResourceURLs().isEmpty()));
    ClusterRoleBinding binding = one(file, ClusterRoleBinding.class, ClusterLink.MIRROR_ACCOUNT);
    assertEquals(ClusterLink.MIRROR_ACCOUNT, binding.getRoleRef().getName());
    assertEquals(1, binding.getSubjects().size());
    ServiceAccount account = one(file, ServiceAccount.class, binding.getSubjects().get(0).getName());
    assertEquals(NAMESPACE, account.getMetadata().getNamespace());
    io.fabric8.kubernetes.api.model.Secret token = one(file, io.fabric8.kubernetes.api.model.Secret.class, ClusterLink.MIRROR_TOKEN_SECRET);
    assertEquals("kubernetes.io/service-account-token", token.getType());
    assertEquals(ClusterLink.MIRROR_ACCOUNT, account.getMetadata().getName());
    assertEquals(account.getMetadata().getName(), token.getMetadata().getAnnotations().get("kubernetes.io/service-account.name"));
  }

  /**
   * fabric8 keeps a field its model does not know (a typo, a wrong level) in additionalProperties,
   * where kubectl's strict validation would refuse it: collects every such field.
   */
  private static void unknownFields(Object value, String path, List<String> unknown) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        unknownFields(list.get(i), path + "[" + i + "]", unknown);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, entry) -> unknownFields(entry, path + "." + key, unknown));
      return;
    }
    if (value == null || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object field;
      try {
        field = getter.invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(path + "." + getter.getName(), e);
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": " + extra.keySet());
        }
      } else {
        unknownFields(field, path + "." + getter.getName().substring(3), unknown);
      }
    }
  }

  @Test
  void theControlPlaneLivesInItsOwnNamespace() throws IOException {
    assertNotNull(one("namespace.yaml", Namespace.class, NAMESPACE));
    for (String file : List.of("control-plane-rbac.yaml", "control-plane.yaml")) {
      for (HasMetadata object : load(file)) {
        boolean clusterScoped = object instanceof ClusterRole || object instanceof ClusterRoleBinding;
        assertEquals(clusterScoped ? null : NAMESPACE, object.getMetadata().getNamespace(), file + ": " + object.getKind());
      }
    }
  }

  @Test
  void rbacIsLeastPrivilege() throws IOException {
    ClusterRole role = one("control-plane-rbac.yaml", ClusterRole.class, NAME);
    Set<String> granted = granted(role);
    // Informers list and watch (pods: ProxyPods, for the dashboard and meshed endpoints; namespaces:
    // the injector's NamespaceCache); StatusWriter sends a JSON patch to links/status and
    // authorizations/status and nothing else.
    assertEquals(new TreeSet<>(List.of(
        "linkerd.io/links:get", "linkerd.io/links:list", "linkerd.io/links:watch",
        "linkerd.io/links/status:patch",
        "linkerd.io/authorizations:get", "linkerd.io/authorizations:list", "linkerd.io/authorizations:watch",
        "linkerd.io/authorizations/status:patch",
        "/services:get", "/services:list", "/services:watch",
        "/pods:get", "/pods:list", "/pods:watch",
        "/namespaces:get", "/namespaces:list", "/namespaces:watch",
        "discovery.k8s.io/endpointslices:get", "discovery.k8s.io/endpointslices:list",
        "discovery.k8s.io/endpointslices:watch",
        "authentication.k8s.io/tokenreviews:create")), granted);
    role.getRules().forEach(rule -> assertTrue(rule.getResourceNames().isEmpty() && rule.getNonResourceURLs().isEmpty()));

    ClusterRoleBinding binding = one("control-plane-rbac.yaml", ClusterRoleBinding.class, NAME);
    assertEquals("ClusterRole", binding.getRoleRef().getKind());
    assertEquals(NAME, binding.getRoleRef().getName());
    assertEquals(1, binding.getSubjects().size());
    assertEquals("ServiceAccount", binding.getSubjects().get(0).getKind());
    assertEquals(NAMESPACE, binding.getSubjects().get(0).getNamespace());
    ServiceAccount account = one("control-plane-rbac.yaml", ServiceAccount.class, binding.getSubjects().get(0).getName());
    assertEquals(account.getMetadata().getName(), controlPlane().getSpec().getTemplate().getSpec().getServiceAccountName());
  }

  @Test
  void theIdentityServiceReadsItsTwoObjectsByNameInItsOwnNamespaceOnly() throws IOException {
    Role role = one("control-plane-rbac.yaml", Role.class, "fulcrum-identity");
    assertEquals(NAMESPACE, role.getMetadata().getNamespace());
    Set<String> granted = new TreeSet<>();
    role.getRules().forEach(rule -> rule.getResources().forEach(resource -> rule.getResourceNames().forEach(name ->
        rule.getVerbs().forEach(verb -> granted.add(resource + "/" + name + ":" + verb)))));
    assertEquals(new TreeSet<>(List.of(
        "secrets/" + IssuerSecret.DEFAULT_SECRET + ":get", "secrets/" + IssuerSecret.DEFAULT_SECRET + ":list",
        "secrets/" + IssuerSecret.DEFAULT_SECRET + ":watch",
        "configmaps/" + IssuerSecret.DEFAULT_ANCHORS + ":get", "configmaps/" + IssuerSecret.DEFAULT_ANCHORS + ":list",
        "configmaps/" + IssuerSecret.DEFAULT_ANCHORS + ":watch")), granted);
    RoleBinding binding = one("control-plane-rbac.yaml", RoleBinding.class, "fulcrum-identity");
    assertEquals("fulcrum-identity", binding.getRoleRef().getName());
    assertEquals(controlPlane().getSpec().getTemplate().getSpec().getServiceAccountName(), binding.getSubjects().get(0).getName());
    ConfigMap anchors = one("identity.yaml", ConfigMap.class, IssuerSecret.DEFAULT_ANCHORS);
    assertEquals(NAMESPACE, anchors.getMetadata().getNamespace());
  }

  @Test
  void theDeploymentRunsTwoControlPlanesWithProbesOnTheAdminPort() throws IOException {
    Deployment deployment = controlPlane();
    assertEquals(2, deployment.getSpec().getReplicas());
    assertEquals(deployment.getSpec().getSelector().getMatchLabels(),
        filter(deployment.getSpec().getTemplate().getMetadata().getLabels(), deployment.getSpec().getSelector().getMatchLabels().keySet()));
    Container container = container(deployment.getSpec().getTemplate());
    assertEquals("fulcrum/control-plane:0.1.0", container.getImage());
    assertEquals(List.of("control-plane", "--kubernetes"), container.getArgs().subList(0, 2));
    Map<String, String> flags = flags(container);
    assertEquals("0.0.0.0", flags.get("--admin-address"));
    int admin = Integer.parseInt(flags.get("--admin-port"));
    for (Probe probe : List.of(container.getReadinessProbe(), container.getLivenessProbe(), container.getStartupProbe())) {
      assertEquals(admin, containerPort(container, probe.getHttpGet().getPort()));
    }
    assertEquals("/ready", container.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/live", container.getLivenessProbe().getHttpGet().getPath());
    assertEquals(Set.of(18000, 9900, 8443), Set.of(Integer.parseInt(flags.get("--xds-port")), admin,
        Integer.parseInt(flags.get("--webhook-port"))));
    for (String flag : List.of("--xds-port", "--admin-port", "--webhook-port")) {
      int port = Integer.parseInt(flags.get(flag));
      assertTrue(container.getPorts().stream().anyMatch(p -> p.getContainerPort() == port), flag + " is a container port");
    }
    assertTrue(container.getResources().getRequests().containsKey("cpu"));
    assertTrue(container.getResources().getRequests().containsKey("memory"));
    assertTrue(container.getResources().getLimits().containsKey("memory"));
    assertNotNull(one("control-plane.yaml", PodDisruptionBudget.class, NAME));
  }

  private static Map<String, String> filter(Map<String, String> labels, Set<String> keys) {
    return labels.entrySet().stream().filter(e -> keys.contains(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  @Test
  void theProbesAreWhatTheControlPlaneServes() throws Exception {
    Container container = container(controlPlane().getSpec().getTemplate());
    ControlPlane running = ControlPlaneComponent.create(
        ControlPlaneConfig.of(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0)),
        new StaticLinkSource("test", List.of())).start();
    try {
      for (Probe probe : List.of(container.getReadinessProbe(), container.getLivenessProbe(), container.getStartupProbe())) {
        URI uri = URI.create("http://127.0.0.1:" + running.adminPort().orElseThrow() + probe.getHttpGet().getPath());
        assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode(), uri.toString());
      }
    } finally {
      running.close();
    }
  }

  @Test
  void theServiceExposesXdsAdminAndTheWebhookOnTheDeploymentsPorts() throws IOException {
    Deployment deployment = controlPlane();
    Container container = container(deployment.getSpec().getTemplate());
    Map<String, String> flags = flags(container);
    Service service = one("control-plane.yaml", Service.class, NAME);
    assertEquals(service.getSpec().getSelector(),
        filter(deployment.getSpec().getTemplate().getMetadata().getLabels(), service.getSpec().getSelector().keySet()));
    Map<Integer, Integer> ports = new HashMap<>();
    for (ServicePort port : service.getSpec().getPorts()) {
      ports.put(port.getPort(), containerPort(container, port.getTargetPort()));
    }
    assertEquals(Map.of(
        18000, Integer.parseInt(flags.get("--xds-port")),
        9900, Integer.parseInt(flags.get("--admin-port")),
        443, Integer.parseInt(flags.get("--webhook-port"))), ports);
    // Injected proxies reach this Service's xDS port.
    assertEquals(NAME + "." + NAMESPACE + ".svc:18000", flags.get("--proxy-xds-server"));
    assertEquals(SidecarSettings.DEFAULT_XDS_SERVER, flags.get("--proxy-xds-server"));
    assertEquals(SidecarSettings.DEFAULT_IMAGE, flags.get("--proxy-image"));
  }

  @Test
  void theWebhookCertificateComesFromTheSecretVolume() throws IOException {
    Deployment deployment = controlPlane();
    Container container = container(deployment.getSpec().getTemplate());
    Map<String, String> flags = flags(container);
    var mount = container.getVolumeMounts().stream().filter(m -> m.getName().equals("webhook-tls")).findFirst().orElseThrow();
    assertEquals(mount.getMountPath() + "/tls.crt", flags.get("--webhook-cert"));
    assertEquals(mount.getMountPath() + "/tls.key", flags.get("--webhook-key"));
    var volume = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("webhook-tls")).findFirst().orElseThrow();
    assertEquals("fulcrum-webhook-tls", volume.getSecret().getSecretName());
  }

  @Test
  void theInjectorCallsTheWebhookThroughTheServiceAndNeverBlocksAPod() throws IOException {
    MutatingWebhookConfiguration configuration = one("sidecar-injector.yaml", MutatingWebhookConfiguration.class,
        "fulcrum-sidecar-injector");
    Service service = one("control-plane.yaml", Service.class, NAME);
    int webhookPort = Integer.parseInt(flags(container(controlPlane().getSpec().getTemplate())).get("--webhook-port"));
    Map<String, MutatingWebhook> byPath = new HashMap<>();
    for (MutatingWebhook webhook : configuration.getWebhooks()) {
      var target = webhook.getClientConfig().getService();
      assertEquals(NAME, target.getName());
      assertEquals(NAMESPACE, target.getNamespace());
      ServicePort port = service.getSpec().getPorts().stream().filter(p -> p.getPort().equals(target.getPort()))
          .findFirst().orElseThrow();
      assertEquals(webhookPort, containerPort(container(controlPlane().getSpec().getTemplate()), port.getTargetPort()));
      byPath.put(target.getPath(), webhook);

      assertEquals(List.of("v1"), webhook.getAdmissionReviewVersions());
      assertEquals("None", webhook.getSideEffects());
      assertEquals("Ignore", webhook.getFailurePolicy());
      assertEquals(1, webhook.getRules().size());
      RuleWithOperations rule = webhook.getRules().get(0);
      assertEquals(List.of("CREATE"), rule.getOperations());
      assertEquals(List.of(""), rule.getApiGroups());
      assertEquals(List.of("pods"), rule.getResources());
      assertEquals("", new String(webhook.getClientConfig().getCaBundle() == null ? "" : webhook.getClientConfig().getCaBundle()),
          "caBundle is filled at install time (docs/deployment.md)");
      LabelSelectorRequirement excluded = requirement(webhook, "kubernetes.io/metadata.name");
      assertEquals("NotIn", excluded.getOperator());
      assertTrue(excluded.getValues().containsAll(List.of(NAMESPACE, "kube-system")), excluded.toString());
    }
    assertEquals(Arrays.stream(OptIn.values()).map(OptIn::path).collect(Collectors.toSet()), byPath.keySet());
    // The two webhooks split namespaces by the label, so that no pod is sent to both.
    assertEquals(new LabelSelectorRequirement("fulcrum.io/inject", "NotIn", List.of("enabled")),
        requirement(byPath.get(OptIn.POD.path()), "fulcrum.io/inject"));
    assertEquals(new LabelSelectorRequirement("fulcrum.io/inject", "In", List.of("enabled")),
        requirement(byPath.get(OptIn.NAMESPACE.path()), "fulcrum.io/inject"));
  }

  private static LabelSelectorRequirement requirement(MutatingWebhook webhook, String key) {
    return webhook.getNamespaceSelector().getMatchExpressions().stream().filter(r -> r.getKey().equals(key))
        .findFirst().orElseThrow(() -> new AssertionError(webhook.getName() + " selects no " + key));
  }

  @Test
  void theExampleIsTheSeedLinkOverTheEchoApp() throws IOException {
    assertEquals(SeedLink.YAML, Files.readString(DEPLOY.resolve("example/link.yaml")));
    Link link = one("example/link.yaml", Link.class, "my-grpc-service");
    LinkOrError validated = new LinkValidator().validate("example/link.yaml", link);
    assertTrue(validated.isValid(), validated.error());

    // Each target is a Service whose port reaches the echo server of that version.
    for (var target : link.getSpec().target()) {
      Service service = one("example/echo.yaml", Service.class, target.name());
      ServicePort port = service.getSpec().getPorts().stream().filter(p -> p.getPort().equals(target.port()))
          .findFirst().orElseThrow(() -> new AssertionError(target.name() + " has no port " + target.port()));
      Deployment echo = one("example/echo.yaml", Deployment.class, target.name());
      assertEquals(service.getSpec().getSelector(),
          filter(echo.getSpec().getTemplate().getMetadata().getLabels(), service.getSpec().getSelector().keySet()));
      Container container = container(echo.getSpec().getTemplate());
      assertEquals("fulcrum/proxy:0.1.0", container.getImage());
      List<String> args = container.getArgs();
      assertEquals("echo", args.get(0));
      int listens = Integer.parseInt(args.get(args.indexOf("--port") + 1));
      assertEquals(listens, containerPort(container, port.getTargetPort()));
      assertEquals(target.name().substring(target.name().lastIndexOf('-') + 1), args.get(args.indexOf("--name") + 1));
    }
    Service called = one("example/echo.yaml", Service.class, "grpc-service");
    assertEquals(List.of(link.getSpec().service().port()),
        called.getSpec().getPorts().stream().map(ServicePort::getPort).toList());
    assertTrue(link.getSpec().service().name().startsWith("grpc-service.default."));

    Deployment client = one("example/client.yaml", Deployment.class, "echo-client");
    Map<String, String> annotations = client.getSpec().getTemplate().getMetadata().getAnnotations();
    assertEquals("enabled", annotations.get("fulcrum.io/inject"));
    assertEquals(link.getSpec().service().name() + ":" + link.getSpec().service().port(),
        annotations.get("fulcrum.io/service"));
    List<String> args = container(client.getSpec().getTemplate()).getArgs();
    assertEquals("127.0.0.1:" + SidecarSettings.DEFAULT_OUTBOUND_PORT, args.get(args.indexOf("--target") + 1));
  }
}
