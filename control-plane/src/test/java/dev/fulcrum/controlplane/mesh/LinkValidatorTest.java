package dev.fulcrum.controlplane.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.Link;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinkValidatorTest {
  private static final String PREFIX = "links.yaml#1 (Link my-grpc-service): ";
  private final LinkValidator validator = new LinkValidator();

  private LinkOrError validate(String yaml) {
    return validator.validate("links.yaml#1", Seed.link(yaml));
  }

  /** The error for {@code yaml}, which must be invalid. */
  private String error(String yaml) {
    LinkOrError result = validate(yaml);
    assertFalse(result.isValid(), "expected an error, got " + result.link());
    assertNull(result.link());
    return result.error();
  }

  private static String seedWith(String from, String to) {
    if (!Seed.YAML.contains(from)) {
      throw new AssertionError("not in the seed: " + from);
    }
    return Seed.YAML.replace(from, to);
  }

  @Test
  void theSeedLinkIsValid() {
    LinkOrError result = validate(Seed.YAML);

    assertTrue(result.isValid(), result.error());
    assertNull(result.error());
    assertEquals(
        new MeshLink(
            "default/my-grpc-service",
            new Authority("grpc-service.default.svc.cluster.local", 50051),
            List.of(new Target("grpc-service-v1", 7001), new Target("grpc-service-v2", 7002)),
            Strategy.ROUND_ROBIN,
            Optional.of(Duration.ofSeconds(5)),
            List.of(RetryOn.CANCELLED, RetryOn.DEADLINE_EXCEEDED)),
        result.link());
  }

  @Test
  void theIdIncludesTheNamespace() {
    LinkOrError result = validate(seedWith("{name: my-grpc-service}", "{name: my-grpc-service, namespace: prod}"));

    assertEquals("prod/my-grpc-service", result.link().id());
  }

  @Test
  void defaultsWithoutStrategyAndPolicy() {
    LinkOrError result = validate(Seed.yaml("plain", "plain.example", 80, "backend:8080"));

    assertEquals(
        new MeshLink("default/plain", new Authority("plain.example", 80), List.of(new Target("backend", 8080)),
            Strategy.ROUND_ROBIN, Optional.empty(), List.of()),
        result.link());
  }

  @Test
  void otherStrategiesAndRetryCodes() {
    LinkOrError result = validate(seedWith("strategy: round-robin", "strategy: least-loaded")
        .replace("[\"cancelled\", \"deadline-exceeded\"]", "[unavailable, internal, unavailable, resource-exhausted]")
        .replace("request-timeout: 5s", "request-timeout: 1m30s"));

    assertEquals(Strategy.LEAST_LOADED, result.link().strategy());
    assertEquals(Optional.of(Duration.ofSeconds(90)), result.link().requestTimeout());
    assertEquals(List.of(RetryOn.UNAVAILABLE, RetryOn.INTERNAL, RetryOn.RESOURCE_EXHAUSTED), result.link().retryOn());
    assertEquals(Strategy.RANDOM, validate(seedWith("strategy: round-robin", "strategy: random")).link().strategy());
  }

  @Test
  void anUnknownStrategy() {
    assertEquals(PREFIX + "spec.strategy: 'fastest' is not one of round-robin, least-loaded, random",
        error(seedWith("strategy: round-robin", "strategy: fastest")));
  }

  @Test
  void aBadDuration() {
    assertEquals(PREFIX + "spec.policy.request-timeout: '5 seconds' is not a positive duration such as 5s, 250ms or 1m30s",
        error(seedWith("request-timeout: 5s", "request-timeout: 5 seconds")));
  }

  @Test
  void aZeroDuration() {
    assertEquals(PREFIX + "spec.policy.request-timeout: '0s' is not a positive duration such as 5s, 250ms or 1m30s",
        error(seedWith("request-timeout: 5s", "request-timeout: 0s")));
  }

  @Test
  void aDurationTooLongIsRejected() {
    assertTrue(error(seedWith("request-timeout: 5s", "request-timeout: 2562048h"))
        .startsWith(PREFIX + "spec.policy.request-timeout: '2562048h'"));
  }

  @Test
  void aMissingServicePort() {
    assertEquals(PREFIX + "spec.service.port: is required",
        error(seedWith("{name: grpc-service.default.svc.cluster.local, port: 50051}",
            "{name: grpc-service.default.svc.cluster.local}")));
  }

  @Test
  void aServicePortOutOfRange() {
    assertEquals(PREFIX + "spec.service.port: 70000 is not a port (1-65535)",
        error(seedWith("port: 50051", "port: 70000")));
    assertEquals(PREFIX + "spec.service.port: 0 is not a port (1-65535)",
        error(seedWith("port: 50051", "port: 0")));
  }

  @Test
  void aMissingService() {
    assertEquals(PREFIX + "spec.service: is required",
        error(seedWith("  service: {name: grpc-service.default.svc.cluster.local, port: 50051}\n", "")));
  }

  @Test
  void anInvalidServiceName() {
    assertEquals(PREFIX + "spec.service.name: 'Grpc_Service' is not a valid host name (lower-case DNS name or IPv4 address)",
        error(seedWith("grpc-service.default.svc.cluster.local", "Grpc_Service")));
  }

  @Test
  void missingTargets() {
    String noTargets = seedWith("""
          target:
            - {name: grpc-service-v1, port: 7001}
            - {name: grpc-service-v2, port: 7002}
        """, "");
    assertEquals(PREFIX + "spec.target: at least one target is required", error(noTargets));
    assertEquals(PREFIX + "spec.target: at least one target is required",
        error(seedWith("strategy: round-robin", "target: []\n  strategy: round-robin").replace("""
              target:
                - {name: grpc-service-v1, port: 7001}
                - {name: grpc-service-v2, port: 7002}
            """, "")));
  }

  @Test
  void aDuplicateTarget() {
    assertEquals(PREFIX + "spec.target[1]: grpc-service-v1:7001 is listed twice",
        error(seedWith("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v1, port: 7001}")));
  }

  @Test
  void aTargetWithoutPort() {
    assertEquals(PREFIX + "spec.target[0].port: is required",
        error(seedWith("{name: grpc-service-v1, port: 7001}", "{name: grpc-service-v1}")));
  }

  @Test
  void anUnsupportedRetryCode() {
    assertEquals(PREFIX + "spec.policy.retry-on[0]: 'not-found' cannot be retried on; use one of "
            + "cancelled, deadline-exceeded, internal, resource-exhausted, unavailable",
        error(seedWith("[\"cancelled\", \"deadline-exceeded\"]", "[not-found, cancelled]")));
  }

  @Test
  void aMissingName() {
    assertEquals("links.yaml#1: metadata.name: is required",
        error(seedWith("metadata: {name: my-grpc-service}", "metadata: {namespace: prod}")));
    assertEquals("links.yaml#1: metadata.name: is required",
        error(seedWith("metadata: {name: my-grpc-service}", "metadata: {}")));
    assertEquals("links.yaml#1: metadata.name: is required",
        error(seedWith("metadata: {name: my-grpc-service}", "metadata:")));
  }

  @Test
  void aMissingSpec() {
    assertEquals("links.yaml#1 (Link empty): spec: is required",
        error("apiVersion: linkerd.io/v1alpha1\nkind: Link\nmetadata: {name: empty}\n"));
  }

  @Test
  void reportsEveryErrorTogether() {
    String yaml = seedWith("strategy: round-robin", "strategy: fastest")
        .replace("port: 50051", "port: 70000")
        .replace("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v1, port: 7001}")
        .replace("request-timeout: 5s", "request-timeout: soon")
        .replace("\"deadline-exceeded\"", "\"not-found\"");

    assertEquals(PREFIX + String.join("; ",
            "spec.service.port: 70000 is not a port (1-65535)",
            "spec.target[1]: grpc-service-v1:7001 is listed twice",
            "spec.strategy: 'fastest' is not one of round-robin, least-loaded, random",
            "spec.policy.request-timeout: 'soon' is not a positive duration such as 5s, 250ms or 1m30s",
            "spec.policy.retry-on[1]: 'not-found' cannot be retried on; use one of "
                + "cancelled, deadline-exceeded, internal, resource-exhausted, unavailable"),
        error(yaml));
  }

  @Test
  void theIdOfALink() {
    Link link = Seed.link(Seed.YAML);
    assertEquals("default/my-grpc-service", LinkValidator.id(link));
    link.setMetadata(new ObjectMeta());
    link.getMetadata().setName("x");
    link.getMetadata().setNamespace("ns");
    assertEquals("ns/x", LinkValidator.id(link));
  }
}
