package dev.fulcrum.controlplane.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.fulcrum.contract.Strategy;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The CRD's enums (api, applied by kubectl) and the validator's names (here) are two lists of the
 * same thing: a strategy or retry code added to one and not the other fails here.
 */
class CrdAgreesWithValidatorTest {

  private static JsonNode spec() throws IOException {
    try (InputStream in = CrdAgreesWithValidatorTest.class.getClassLoader().getResourceAsStream("META-INF/fabric8/links.linkerd.io-v1.yml")) {
      assertNotNull(in, "the generated CRD is on the classpath");
      return YAMLMapper.builder().build().readTree(in)
          .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties");
    }
  }

  private static List<String> sorted(JsonNode names) {
    return names.valueStream().map(JsonNode::asString).sorted().toList();
  }

  @Test
  void strategies() throws IOException {
    assertEquals(Arrays.stream(Strategy.values()).map(Strategy::yamlName).sorted().toList(),
        sorted(spec().at("/strategy/enum")));
  }

  @Test
  void retryCodes() throws IOException {
    assertEquals(Arrays.stream(RetryOn.values()).map(RetryOn::yamlName).sorted().toList(),
        sorted(spec().at("/policy/properties/retry-on/items/enum")));
  }
}
