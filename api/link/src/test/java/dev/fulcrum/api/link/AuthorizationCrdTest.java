package dev.fulcrum.api.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The Authorization CRD, generated from the Java model as the Link's is: committed as generated, and what it refuses. */
class AuthorizationCrdTest {
  private static final String GENERATED = "META-INF/fabric8/authorizations.linkerd.io-v1.yml";
  private static final Path COMMITTED = Path.of("..", "..", "deploy", "crds", "authorizations.linkerd.io-v1.yml");
  private static final YAMLMapper YAML = YAMLMapper.builder().build();
  /** The example, as users write it. */
  static final String EXAMPLE = AuthorizationExample.YAML;

  private static String generated() throws IOException {
    try (InputStream in = AuthorizationCrdTest.class.getClassLoader().getResourceAsStream(GENERATED)) {
      assertNotNull(in, GENERATED + " was not generated");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> check(String yaml) throws IOException {
    JsonNode crd = YAML.readTree(generated());
    return new CrdSchema(crd.at("/spec/versions/0/schema/openAPIV3Schema")).check(YAML.readTree(yaml));
  }

  @Test
  void theCommittedCrdIsTheGeneratedOne() throws IOException {
    assertEquals(generated(), Files.readString(COMMITTED),
        "deploy/crds/ is out of date: copy api/link/target/classes/" + GENERATED + " there");
  }

  @Test
  void theCrdDeclaresANamespacedAuthorizationInTheLinksGroup() throws IOException {
    JsonNode crd = YAML.readTree(generated());
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
