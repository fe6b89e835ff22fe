package dev.fulcrum.api.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A CRD as crd-generator-maven-plugin writes it from the Java model (target/classes/META-INF/fabric8/),
 * and the copy users apply, committed in deploy/crds/ under the same file name.
 */
record GeneratedCrd(String file) {
  static final YAMLMapper YAML = YAMLMapper.builder().build();

  String text() throws IOException {
    try (InputStream in = GeneratedCrd.class.getClassLoader().getResourceAsStream("META-INF/fabric8/" + file)) {
      assertNotNull(in, file + " was not generated");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  JsonNode tree() throws IOException {
    return YAML.readTree(text());
  }

  /** deploy/crds/ holds exactly what was generated. */
  void assertCommitted() throws IOException {
    assertEquals(text(), Files.readString(Path.of("..", "..", "deploy", "crds", file)),
        "deploy/crds/ is out of date: copy api/link/target/classes/META-INF/fabric8/" + file + " there");
  }

  /** What the API server would say of {@code yaml} under this CRD's schema; empty if it accepts it. */
  List<String> check(String yaml) throws IOException {
    return new CrdSchema(tree().at("/spec/versions/0/schema/openAPIV3Schema")).check(YAML.readTree(yaml));
  }
}
