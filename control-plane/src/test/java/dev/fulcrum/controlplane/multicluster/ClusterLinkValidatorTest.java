package dev.fulcrum.controlplane.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.ClusterLink;
import dev.fulcrum.api.link.ClusterLinkExample;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ClusterLinkValidatorTest {
  private static final String KUBECONFIG = """
      apiVersion: v1
      kind: Config
      clusters: [{name: east, cluster: {server: "https://api.east.example.com:6443"}}]
      users: [{name: fulcrum-mirror, user: {token: the-token}}]
      contexts: [{name: east, context: {cluster: east, user: fulcrum-mirror}}]
      current-context: east
      """;
  private final ClusterLinkValidator validator = new ClusterLinkValidator();

  private static ClusterLink link(String yaml) {
    return Serialization.unmarshal(yaml, ClusterLink.class);
  }

  /** The Secrets of the link's namespace: {@code cluster-credentials-east} holding {@code kubeconfig} under {@code key}. */
  private static Function<String, Optional<Secret>> secret(String key, String kubeconfig) {
    Secret secret = new SecretBuilder().withNewMetadata().withName("cluster-credentials-east").withNamespace("fulcrum-system")
        .endMetadata().withData(Map.of(key, Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))))
        .build();
    return name -> name.equals("cluster-credentials-east") ? Optional.of(secret) : Optional.empty();
  }

  private String error(String yaml, Function<String, Optional<Secret>> secrets) {
    RemoteClusterOrError result = validator.validate(link(yaml), secrets);
    assertFalse(result.isValid(), "refused: " + result);
    return result.error();
  }

  @Test
  void theExampleIsTheRemoteClusterItNames() {
    RemoteClusterOrError result = validator.validate(link(ClusterLinkExample.YAML), secret("kubeconfig", KUBECONFIG));
    assertTrue(result.isValid(), result.error());
    RemoteCluster cluster = result.cluster();
    assertEquals("fulcrum-system/east", cluster.link());
    assertEquals("east", cluster.name());
    assertEquals("cluster.local", cluster.domain());
    assertEquals("https://api.east.example.com:6443/", cluster.apiServer().getMasterUrl());
    assertEquals("the-token", cluster.apiServer().getAutoOAuthToken());
    assertEquals(Optional.of(new RemoteCluster.Gateway("gateway.east.example.com", 4143, "fulcrum-system/fulcrum-gateway",
        "/ready", 9990, Duration.ofSeconds(3))), cluster.gateway());
  }

  @Test
  void theProbeAndDomainHaveDefaultsAndAFlatLinkHasNoGateway() {
    String noProbe = ClusterLinkExample.YAML.replace("  probe: {path: /ready, port: 9990, period: 3s}\n", "")
        .replace(", domain: cluster.local", "");
    RemoteCluster cluster = validator.validate(link(noProbe), secret("kubeconfig", KUBECONFIG)).cluster();
    assertEquals("cluster.local", cluster.domain());
    RemoteCluster.Gateway gateway = cluster.gateway().orElseThrow();
    assertEquals(java.util.List.of("/ready", 9990, Duration.ofSeconds(3)),
        java.util.List.of(gateway.probePath(), gateway.probePort(), gateway.probePeriod()));

    String flat = noProbe.replace("  gateway: {address: gateway.east.example.com, port: 4143, identity: fulcrum-system/fulcrum-gateway}\n", "");
    assertEquals(Optional.empty(), validator.validate(link(flat), secret("kubeconfig", KUBECONFIG)).cluster().gateway());
    assertEquals("ClusterLink fulcrum-system/east: spec.probe: there is no spec.gateway to probe",
        error(flat + "  probe: {period: 3s}\n", secret("kubeconfig", KUBECONFIG)));
  }

  @Test
  void credentialsThatDoNotLeadToAnApiServerAreNamed() {
    assertEquals("ClusterLink fulcrum-system/east: spec.credentials.secret: no Secret fulcrum-system/cluster-credentials-east",
        error(ClusterLinkExample.YAML, name -> Optional.empty()));
    assertEquals("ClusterLink fulcrum-system/east: spec.credentials.key: Secret fulcrum-system/cluster-credentials-east "
        + "has no key 'kubeconfig'", error(ClusterLinkExample.YAML, secret("config", KUBECONFIG)));
    assertTrue(error(ClusterLinkExample.YAML, secret("kubeconfig", "clusters: [this is not")).startsWith(
        "ClusterLink fulcrum-system/east: spec.credentials: Secret fulcrum-system/cluster-credentials-east key 'kubeconfig' "
            + "is not a kubeconfig ("));
    assertEquals("ClusterLink fulcrum-system/east: spec.credentials: Secret fulcrum-system/cluster-credentials-east key "
        + "'kubeconfig': context 'east' names no cluster with a server",
        error(ClusterLinkExample.YAML, secret("kubeconfig", KUBECONFIG.replace("{server: \"https://api.east.example.com:6443\"}", "{}"))));
    assertEquals("ClusterLink fulcrum-system/east: spec.credentials: Secret fulcrum-system/cluster-credentials-east key "
        + "'kubeconfig': has no current-context",
        error(ClusterLinkExample.YAML, secret("kubeconfig", KUBECONFIG.replace("current-context: east\n", ""))));
  }

  @Test
  void everyWrongFieldIsNamedAtOnce() {
    String bad = ClusterLinkExample.YAML.replace("name: east, domain", "name: East, domain")
        .replace("port: 4143", "port: 0").replace("identity: fulcrum-system/fulcrum-gateway", "identity: gateway")
        .replace("period: 3s", "period: soon");
    String error = error(bad, secret("kubeconfig", KUBECONFIG));
    for (String field : java.util.List.of("spec.cluster.name: 'East'", "spec.gateway.port: 0 is not a port",
        "spec.gateway.identity: ", "spec.probe.period: 'soon' is not a duration")) {
      assertTrue(error.contains(field), field + " in: " + error);
    }
  }
}
