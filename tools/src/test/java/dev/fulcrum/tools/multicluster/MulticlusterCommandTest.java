package dev.fulcrum.tools.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.ClusterLink;
import dev.fulcrum.api.link.ClusterLinkSpec;
import dev.fulcrum.tools.Fulcrum;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fulcrum multicluster link|unlink} against a remote cluster's API (fabric8's mock server, CRUD mode). */
class MulticlusterCommandTest {
  private static final String NAMESPACE = MulticlusterCommand.DEFAULT_NAMESPACE;
  private static final String TOKEN = "the-mirror-accounts-token";
  private static final String CA = Base64.getEncoder().encodeToString("the remote CA bundle".getBytes(StandardCharsets.UTF_8));

  @TempDir
  Path dir;
  private KubernetesMockServer remote;
  private KubernetesClient admin;
  private Path kubeconfig;

  private record Run(int exit, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    remote = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    remote.init();
    admin = remote.createClient();
    kubeconfig = dir.resolve("east.kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: east, cluster: {server: "%s"}}]
        users: [{name: admin, user: {token: the-admins-token}}]
        contexts: [{name: east-admin, context: {cluster: east, user: admin}}]
        current-context: east-admin
        """.formatted(admin.getMasterUrl()));
  }

  @AfterEach
  void stop() {
    admin.close();
    remote.destroy();
  }

  /** What Kubernetes makes of remote-access.yaml's token Secret: the account's token and the API server's CA. */
  private void mirrorToken() {
    admin.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName(ClusterLink.MIRROR_TOKEN_SECRET).withNamespace(NAMESPACE).endMetadata()
        .withType("kubernetes.io/service-account-token")
        .withData(Map.of("token", Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)), "ca.crt", CA))
        .build()).create();
  }

  private void gatewayService(String loadBalancerIp) {
    admin.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
        .withNewMetadata().withName(ClusterLink.GATEWAY_SERVICE).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withType("LoadBalancer").addNewPort().withPort(4143).endPort().endSpec()
        .withNewStatus().withNewLoadBalancer().addNewIngress().withIp(loadBalancerIp).endIngress().endLoadBalancer().endStatus()
        .build()).create();
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Fulcrum.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** The printed documents: a Secret, then a ClusterLink. */
  private static List<HasMetadata> documents(String yaml) {
    List<String> documents = Arrays.stream(yaml.split("(?m)^---\\s*$")).filter(document -> !document.isBlank()).toList();
    assertEquals(2, documents.size(), yaml);
    return List.of(Serialization.unmarshal(documents.get(0), Secret.class),
        Serialization.unmarshal(documents.get(1), ClusterLink.class));
  }

  @Test
  void linkPrintsASecretWhoseKubeconfigReadsTheRemoteAsTheMirrorAccountAndTheClusterLinkNamingIt() throws Exception {
    mirrorToken();
    gatewayService("203.0.113.7");
    Run run = run("multicluster", "link", "--name", "east", "--kubeconfig", kubeconfig.toString());
    assertEquals(0, run.exit(), run.err());
    assertEquals("", run.err());
    List<HasMetadata> documents = documents(run.out());

    Secret secret = (Secret) documents.get(0);
    assertEquals(ClusterLink.credentialsSecret("east"), secret.getMetadata().getName());
    assertEquals(NAMESPACE, secret.getMetadata().getNamespace());
    String config = secret.getStringData().get(ClusterLinkSpec.Credentials.DEFAULT_KEY);
    Config parsed = Config.fromKubeconfig(config);
    assertEquals(admin.getMasterUrl().toString(), parsed.getMasterUrl());
    assertEquals(TOKEN, parsed.getAutoOAuthToken());
    assertEquals(CA, parsed.getCaCertData());
    // The printed kubeconfig works against the remote, as the mirror account (not as the admin who linked).
    try (KubernetesClient mirror = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(config.replace(
        "certificate-authority-data: \"" + CA + "\"", "insecure-skip-tls-verify: true"))).build()) {
      assertEquals(1, mirror.services().inNamespace(NAMESPACE).list().getItems().size());
      assertEquals("Bearer " + TOKEN, remote.getLastRequest().getHeader("Authorization"));
    }

    ClusterLink link = (ClusterLink) documents.get(1);
    assertEquals("east", link.getMetadata().getName());
    assertEquals(NAMESPACE, link.getMetadata().getNamespace());
    assertEquals(new ClusterLinkSpec.ClusterRef("east", "cluster.local"), link.getSpec().cluster());
    assertEquals(new ClusterLinkSpec.Credentials(secret.getMetadata().getName(), ClusterLinkSpec.Credentials.DEFAULT_KEY),
        link.getSpec().credentials());
    assertEquals(new ClusterLinkSpec.GatewayRef("203.0.113.7", ClusterLink.DEFAULT_GATEWAY_PORT,
        ClusterLink.DEFAULT_GATEWAY_IDENTITY), link.getSpec().gateway());
  }

  @Test
  void theGatewayIsTheFlagsWhenGivenAndAbsentWhenNothingNamesIt() {
    mirrorToken();
    Run flat = run("multicluster", "link", "--name", "east", "--kubeconfig", kubeconfig.toString());
    assertEquals(0, flat.exit(), flat.err());
    assertNull(((ClusterLink) documents(flat.out()).get(1)).getSpec().gateway());
    assertTrue(flat.err().startsWith("fulcrum multicluster link: no gateway address"), flat.err());
    assertEquals(1, flat.err().lines().count(), flat.err());

    gatewayService("203.0.113.7");
    Run given = run("multicluster", "link", "--name", "east", "--kubeconfig", kubeconfig.toString(),
        "--gateway-address", "gateway.east.example.com", "--gateway-port", "4443");
    assertEquals(0, given.exit(), given.err());
    assertEquals(new ClusterLinkSpec.GatewayRef("gateway.east.example.com", 4443, ClusterLink.DEFAULT_GATEWAY_IDENTITY),
        ((ClusterLink) documents(given.out()).get(1)).getSpec().gateway());
  }

  @Test
  void eachFailureIsOneLineAndNothingIsPrinted() throws Exception {
    Run noToken = run("multicluster", "link", "--name", "east", "--kubeconfig", kubeconfig.toString());
    assertEquals(List.of(2, "", "fulcrum multicluster link: no Secret fulcrum-system/fulcrum-mirror-token in the remote "
        + "cluster: apply deploy/multicluster/remote-access.yaml there first"),
        List.of(noToken.exit(), noToken.out(), noToken.err().strip()));

    Files.writeString(dir.resolve("bad.kubeconfig"), "clusters: [this is not");
    Run bad = run("multicluster", "link", "--name", "east", "--kubeconfig", dir.resolve("bad.kubeconfig").toString());
    assertEquals(2, bad.exit(), bad.err());
    assertTrue(bad.err().startsWith("fulcrum multicluster link: --kubeconfig " + dir.resolve("bad.kubeconfig")
        + ": not a kubeconfig"), bad.err());
    assertEquals(1, bad.err().lines().count(), bad.err());

    Run name = run("multicluster", "link", "--name", "East_1", "--kubeconfig", kubeconfig.toString());
    assertEquals(List.of(2, "fulcrum multicluster link: --name: 'East_1' is not a DNS label of at most 40 characters "
        + "(it suffixes mirrored Services' names)"), List.of(name.exit(), name.err().strip()));
    // As long as the control plane takes (a mirror's name must fit a Service's), not a DNS label's 63.
    Run long41 = run("multicluster", "link", "--name", "e".repeat(41), "--kubeconfig", kubeconfig.toString());
    assertEquals(2, long41.exit(), long41.err());

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Files.writeString(dir.resolve("gone.kubeconfig"), Files.readString(kubeconfig)
        .replace(admin.getMasterUrl().toString(), "http://127.0.0.1:" + closedPort + "/"));
    Run gone = run("multicluster", "link", "--name", "east", "--kubeconfig", dir.resolve("gone.kubeconfig").toString());
    assertEquals(Fulcrum.UNREACHABLE, gone.exit(), gone.err());
    assertTrue(gone.err().startsWith("fulcrum multicluster link: the remote API server at http://127.0.0.1:" + closedPort),
        gone.err());
    assertEquals(1, gone.err().lines().count(), gone.err());
    assertEquals("", gone.out());
  }

  @Test
  void unlinkPrintsTheSameTwoObjectsByName() {
    Run run = run("multicluster", "unlink", "--name", "east");
    assertEquals(0, run.exit(), run.err());
    List<HasMetadata> documents = documents(run.out());
    assertEquals(List.of("Secret " + NAMESPACE + "/" + ClusterLink.credentialsSecret("east"), "ClusterLink " + NAMESPACE + "/east"),
        documents.stream().map(o -> o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName()).toList());
  }
}
