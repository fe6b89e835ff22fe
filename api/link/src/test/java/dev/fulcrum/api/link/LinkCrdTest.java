package dev.fulcrum.api.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The CRD is generated from the Java model at build time (crd-generator-maven-plugin); the copy
 * users apply lives in deploy/crds/. These tests keep the two equal and check what the schema
 * lets through and what it refuses.
 */
class LinkCrdTest {
  private static final GeneratedCrd CRD = new GeneratedCrd("links.linkerd.io-v1.yml");

  private static List<String> check(String yaml) throws IOException {
    return CRD.check(yaml);
  }

  @Test
  void theCommittedCrdIsTheGeneratedOne() throws IOException {
    CRD.assertCommitted();
  }

  @Test
  void theCrdDeclaresTheResourceTheSeedManifestUses() throws IOException {
    JsonNode crd = CRD.tree();
    assertEquals("links.linkerd.io", crd.at("/metadata/name").asString());
    assertEquals("Namespaced", crd.at("/spec/scope").asString());
    assertEquals("Link", crd.at("/spec/names/kind").asString());
    assertEquals("v1alpha1", crd.at("/spec/versions/0/name").asString());
    assertTrue(crd.at("/spec/versions/0/subresources/status").isObject(), "a status subresource");
    List<String> columns = crd.at("/spec/versions/0/additionalPrinterColumns").valueStream()
        .map(column -> column.get("name").asString()).toList();
    assertTrue(columns.containsAll(List.of("Service", "Strategy", "Targets Ready", "Accepted")), columns.toString());
  }

  @Test
  void everyPatternCompilesAsGoRegexpWithoutLookaround() throws IOException {
    // The API server rejects a CRD whose pattern RE2 cannot compile; look-around is the usual culprit.
    List<String> patterns = CRD.tree().findValues("pattern").stream().map(JsonNode::asString).toList();
    assertFalse(patterns.isEmpty());
    for (String pattern : patterns) {
      assertFalse(Pattern.compile("\\(\\?<?[=!]").matcher(pattern).find(), pattern);
    }
  }

  @Test
  void theSeedLinkIsValidUnderTheSchema() throws IOException {
    assertEquals(List.of(), check(LinkYamlTest.SEED));
  }

  @Test
  void theSchemaRefusesWhatItCanNamingTheField() throws IOException {
    assertEquals(List.of("spec.strategy: Unsupported value \"fastest\": supported values: [\"least-loaded\",\"peak-ewma\",\"random\",\"round-robin\"]"),
        check(LinkYamlTest.SEED.replace("strategy: round-robin", "strategy: fastest")));
    assertEquals(List.of("spec.service.port: should be less than or equal to 65535"),
        check(LinkYamlTest.SEED.replace("port: 50051", "port: 70000")));
    assertEquals(List.of("spec.target[1].port: should be greater than or equal to 1"),
        check(LinkYamlTest.SEED.replace("port: 7002", "port: 0")));
    assertEquals(List.of("spec.policy.retry-on[1]: Unsupported value \"not-found\": supported values: "
            + "[\"cancelled\",\"deadline-exceeded\",\"internal\",\"resource-exhausted\",\"unavailable\"]"),
        check(LinkYamlTest.SEED.replace("\"deadline-exceeded\"", "\"not-found\"")));
    assertEquals(1, check(LinkYamlTest.SEED.replace("request-timeout: 5s", "request-timeout: soon")).size());
    assertEquals(List.of("spec.target[0].name: \"Grpc_Service\" should match '" + LinkSchema.HOST + "'"),
        check(LinkYamlTest.SEED.replace("grpc-service-v1", "Grpc_Service")));
    assertEquals(List.of("spec.target: should have at least 1 items"),
        check(LinkYamlTest.SEED.replaceAll("(?s)  target:.*?strategy", "  target: []\n  strategy")));
    assertEquals(List.of("spec.service: Required value"),
        check(LinkYamlTest.SEED.replace("  service: {name: grpc-service.default.svc.cluster.local, port: 50051}\n", "")));
    assertEquals(List.of("spec.service.name: Required value"),
        check(LinkYamlTest.SEED.replace("name: grpc-service.default.svc.cluster.local, ", "")));
    assertEquals(List.of("spec.stratgy: field not declared in the schema"),
        check(LinkYamlTest.SEED.replace("strategy:", "stratgy:")));
    assertEquals(List.of("spec.target[1].weight: should be greater than or equal to 0"),
        check(LinkYamlTest.SEED.replace("port: 7002}", "port: 7002, weight: -1}")));
    assertEquals(List.of("spec.policy.retries: should be less than or equal to 10"),
        check(LinkYamlTest.SEED.replace("request-timeout: 5s", "request-timeout: 5s\n    retries: 11")));
    assertEquals(1, check(LinkYamlTest.SEED.replace("request-timeout: 5s", "request-timeout: 5s\n    retry-budget: 150%")).size());
    assertEquals(1, check(LinkYamlTest.SEED + "  routes:\n    - {method: not-a-method}\n").size());
    assertEquals(List.of(), check(LinkYamlTest.SEED + "  routes:\n    - method: /pkg.Svc/*\n"
        + "      target: [{name: v2, port: 7002, weight: 1}]\n      policy: {retries: 0}\n"));
  }
}
