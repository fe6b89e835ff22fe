package dev.fulcrum.api.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The ClusterLink CRD, generated from the Java model as the Link's is: committed as generated, and what it refuses. */
class ClusterLinkCrdTest {
  private static final GeneratedCrd CRD = new GeneratedCrd("clusterlinks.linkerd.io-v1.yml");
  private static final String EXAMPLE = ClusterLinkExample.YAML;

  @Test
  void theCommittedCrdIsTheGeneratedOne() throws IOException {
    CRD.assertCommitted();
  }

  @Test
  void theCrdDeclaresANamespacedClusterLinkInTheLinksGroup() throws IOException {
    JsonNode crd = CRD.tree();
    assertEquals("clusterlinks.linkerd.io", crd.at("/metadata/name").asString());
    assertEquals("Namespaced", crd.at("/spec/scope").asString());
    assertEquals("ClusterLink", crd.at("/spec/names/kind").asString());
    assertEquals("v1alpha1", crd.at("/spec/versions/0/name").asString());
    assertTrue(crd.at("/spec/versions/0/subresources/status").isObject(), "a status subresource");
  }

  @Test
  void theExampleIsValidAndSoIsAFlatLinkWithoutGateway() throws IOException {
    assertEquals(List.of(), CRD.check(EXAMPLE));
    assertEquals(List.of(), CRD.check(EXAMPLE.lines()
        .filter(line -> !line.contains("gateway:") && !line.contains("probe:")).reduce("", (a, b) -> a + b + "\n")));
  }

  @Test
  void theSchemaRefusesWhatItCanNamingTheField() throws IOException {
    assertEquals(List.of("spec.cluster.name: \"East\" should match '" + LinkSchema.DNS_LABEL + "'"),
        CRD.check(EXAMPLE.replace("cluster: {name: east", "cluster: {name: East")));
    assertEquals(List.of("spec.cluster.name: may not be longer than " + ClusterLinkSpec.ClusterRef.MAX_NAME),
        CRD.check(EXAMPLE.replace("cluster: {name: east", "cluster: {name: " + "e".repeat(ClusterLinkSpec.ClusterRef.MAX_NAME + 1))));
    assertEquals(List.of("spec.credentials: Required value"),
        CRD.check(EXAMPLE.replace("  credentials: {secret: cluster-credentials-east, key: kubeconfig}\n", "")));
    assertEquals(List.of("spec.gateway.port: should be less than or equal to 65535"),
        CRD.check(EXAMPLE.replace("port: 4143", "port: 65536")));
    assertEquals(List.of("spec.gateway.identity: \"fulcrum-gateway\" should match '" + LinkSchema.IDENTITY + "'"),
        CRD.check(EXAMPLE.replace("identity: fulcrum-system/fulcrum-gateway", "identity: fulcrum-gateway")));
    assertEquals(List.of("spec.probe.period: \"3\" should match '" + LinkSchema.DURATION + "'"),
        CRD.check(EXAMPLE.replace("period: 3s", "period: \"3\"")));
  }
}
