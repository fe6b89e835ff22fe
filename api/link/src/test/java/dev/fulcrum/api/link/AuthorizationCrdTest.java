package dev.fulcrum.api.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The Authorization CRD, generated from the Java model as the Link's is: committed as generated, and what it refuses. */
class AuthorizationCrdTest {
  private static final GeneratedCrd CRD = new GeneratedCrd("authorizations.linkerd.io-v1.yml");
  /** The example, as users write it. */
  static final String EXAMPLE = AuthorizationExample.YAML;

  private static List<String> check(String yaml) throws IOException {
    return CRD.check(yaml);
  }

  @Test
  void theCommittedCrdIsTheGeneratedOne() throws IOException {
    CRD.assertCommitted();
  }

  @Test
  void theCrdDeclaresANamespacedAuthorizationInTheLinksGroup() throws IOException {
    JsonNode crd = CRD.tree();
    assertEquals("authorizations.linkerd.io", crd.at("/metadata/name").asString());
    assertEquals("Namespaced", crd.at("/spec/scope").asString());
    assertEquals("Authorization", crd.at("/spec/names/kind").asString());
    assertEquals("v1alpha1", crd.at("/spec/versions/0/name").asString());
    assertTrue(crd.at("/spec/versions/0/subresources/status").isObject(), "a status subresource");
  }

  @Test
  void theExampleIsValidAndTheSchemaRefusesWhatItCan() throws IOException {
    assertEquals(List.of(), check(EXAMPLE));
    assertEquals(List.of("spec.mode: Unsupported value \"block\": supported values: [\"audit\",\"enforce\"]"),
        check(EXAMPLE.replace("mode: enforce", "mode: block")));
    assertEquals(List.of("spec.server.identity: \"echo-v1\" should match '" + LinkSchema.IDENTITY + "'"),
        check(EXAMPLE.replace("identity: default/echo-v1", "identity: echo-v1")));
    assertEquals(List.of("spec.rules[1].from: Required value"),
        check(EXAMPLE.replace("    - from: {unauthenticated: true}\n", "    - \n")));
    assertEquals(List.of("spec.rules: Required value"), check(EXAMPLE.substring(0, EXAMPLE.indexOf("  rules:"))));
  }
}
