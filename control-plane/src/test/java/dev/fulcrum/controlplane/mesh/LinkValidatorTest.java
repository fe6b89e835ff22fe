package dev.fulcrum.controlplane.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.contract.Limits;
import dev.fulcrum.contract.Strategy;
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
            Strategy.ROUND_ROBIN,
            new Backends(List.of(new Target("grpc-service-v1", 7001), new Target("grpc-service-v2", 7002)), List.of()),
            new RoutePolicy(Optional.of(Duration.ofSeconds(5)), List.of(RetryOn.CANCELLED, RetryOn.DEADLINE_EXCEEDED), 2),
            List.of()),
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
        new MeshLink("default/plain", new Authority("plain.example", 80), Strategy.ROUND_ROBIN,
            new Backends(List.of(new Target("backend", 8080)), List.of()),
            new RoutePolicy(Optional.empty(), List.of(), 2)),
        result.link());
  }

  @Test
  void otherStrategiesAndRetryCodes() {
    LinkOrError result = validate(seedWith("strategy: round-robin", "strategy: least-loaded")
        .replace("[\"cancelled\", \"deadline-exceeded\"]", "[unavailable, internal, unavailable, resource-exhausted]")
        .replace("request-timeout: 5s", "request-timeout: 1m30s"));

    assertEquals(Strategy.LEAST_LOADED, result.link().strategy());
    assertEquals(Optional.of(Duration.ofSeconds(90)), result.link().policy().requestTimeout());
    assertEquals(List.of(RetryOn.UNAVAILABLE, RetryOn.INTERNAL, RetryOn.RESOURCE_EXHAUSTED), result.link().policy().retryOn());
    assertEquals(Strategy.RANDOM, validate(seedWith("strategy: round-robin", "strategy: random")).link().strategy());
  }

  @Test
  void anUnknownStrategy() {
    assertEquals(PREFIX + "spec.strategy: 'fastest' is not one of round-robin, least-loaded, random, peak-ewma",
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
  void meshedTargetsCarryTheirIdentity() {
    LinkOrError result = validate(seedWith("{name: grpc-service-v1, port: 7001}", "{name: grpc-service-v1, port: 7001, identity: default/v1}")
        .replace("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v2, port: 7002, identity: default/v2}"));
    assertTrue(result.isValid(), result.error());
    assertEquals(List.of(new Target("grpc-service-v1", 7001, Optional.of("default/v1")),
        new Target("grpc-service-v2", 7002, Optional.of("default/v2"))), result.link().backends().targets());
  }

  @Test
  void anIdentityThatIsNotNamespaceSlashAccount() {
    assertEquals(PREFIX + "spec.target[0].identity: 'echo-v1' is not NAMESPACE/SERVICEACCOUNT",
        error(seedWith("{name: grpc-service-v1, port: 7001}", "{name: grpc-service-v1, port: 7001, identity: echo-v1}")
            .replace("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v2, port: 7002, identity: default/v2}")));
    assertEquals(PREFIX + "spec.target[1].identity: namespace: 'Default' is not a valid namespace",
        error(seedWith("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v2, port: 7002, identity: Default/v2}")
            .replace("{name: grpc-service-v1, port: 7001}", "{name: grpc-service-v1, port: 7001, identity: default/v1}")));
  }

  @Test
  void pooledTargetsAreAllMeshedOrAllPlaintext() {
    assertEquals(PREFIX + "spec.target: 1 of its 2 targets have an identity and the rest do not; targets pooled together"
            + " are all reached over mTLS or all in plaintext (give them weights to split traffic between meshed and"
            + " plaintext targets)",
        error(seedWith("{name: grpc-service-v1, port: 7001}", "{name: grpc-service-v1, port: 7001, identity: default/v1}")));
    // Weighted, each target is a cluster of its own: a meshed one beside a plaintext one is fine.
    assertTrue(validate(seedWith("{name: grpc-service-v1, port: 7001}", "{name: grpc-service-v1, port: 7001, weight: 90, identity: default/v1}")
        .replace("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v2, port: 7002, weight: 10}")).isValid());
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
            "spec.strategy: 'fastest' is not one of round-robin, least-loaded, random, peak-ewma",
            "spec.target[1]: grpc-service-v1:7001 is listed twice",
            "spec.policy.request-timeout: 'soon' is not a positive duration such as 5s, 250ms or 1m30s",
            "spec.policy.retry-on[1]: 'not-found' cannot be retried on; use one of "
                + "cancelled, deadline-exceeded, internal, resource-exhausted, unavailable"),
        error(yaml));
  }

  // --- strategies ---

  @Test
  void peakEwmaIsAStrategy() {
    assertEquals(Strategy.PEAK_EWMA, validate(seedWith("strategy: round-robin", "strategy: peak-ewma")).link().strategy());
  }

  // --- weights ---

  private static final String TARGETS =
      "    - {name: grpc-service-v1, port: 7001}\n    - {name: grpc-service-v2, port: 7002}\n";

  /** The seed with its targets' weights set: null leaves a target without one. */
  private static String weighted(String w1, String w2) {
    return seedWith(TARGETS,
        "    - {name: grpc-service-v1, port: 7001" + (w1 == null ? "" : ", weight: " + w1) + "}\n"
            + "    - {name: grpc-service-v2, port: 7002" + (w2 == null ? "" : ", weight: " + w2) + "}\n");
  }

  @Test
  void withoutWeightsTheTargetsAreOnePool() {
    Backends backends = validate(Seed.YAML).link().backends();

    assertFalse(backends.weighted());
    assertEquals(List.of(), backends.weights());
  }

  @Test
  void weightsOnEveryTarget() {
    LinkOrError result = validate(weighted("90", "10"));

    assertTrue(result.isValid(), result.error());
    assertEquals(new Backends(List.of(Seed.V1, Seed.V2), List.of(90, 10)), result.link().backends());
    assertTrue(result.link().backends().weighted());
  }

  @Test
  void aWeightOfZeroTakesNoTrafficButIsAllowed() {
    assertEquals(List.of(100, 0), validate(weighted("100", "0")).link().backends().weights());
    assertEquals(List.of(1_000_000, 0), validate(weighted("1000000", "0")).link().backends().weights());
  }

  @Test
  void weightsOnAllTargetsOrOnNone() {
    assertEquals(PREFIX + "spec.target[1].weight: is required when another target has a weight",
        error(weighted("90", null)));
    assertEquals(PREFIX + "spec.target[0].weight: is required when another target has a weight",
        error(weighted(null, "10")));
  }

  @Test
  void aNegativeOrHugeWeight() {
    assertEquals(PREFIX + "spec.target[0].weight: -1 is not a weight (0-1000000)", error(weighted("-1", "10")));
    assertEquals(PREFIX + "spec.target[1].weight: 1000001 is not a weight (0-1000000)", error(weighted("90", "1000001")));
    assertEquals(PREFIX + "spec.target[1].weight: 2147483647 is not a weight (0-1000000)",
        error(weighted("90", "2147483647")));
  }

  @Test
  void weightsAddingUpToZero() {
    assertEquals(PREFIX + "spec.target: the weights add up to 0; at least one target must take traffic",
        error(weighted("0", "0")));
  }

  // --- retries ---

  @Test
  void retriesDefaultToTwo() {
    assertEquals(2, Limits.DEFAULT_RETRIES);
    assertEquals(2, validate(Seed.YAML).link().policy().retries());
    assertEquals(2, validate(Seed.yaml("plain", "plain.example", 80, "backend:8080")).link().policy().retries());
  }

  @Test
  void retriesFromZeroToTen() {
    for (int retries : new int[] {0, 1, 5, 10}) {
      LinkOrError result = validate(seedWith("request-timeout: 5s", "request-timeout: 5s\n    retries: " + retries));
      assertTrue(result.isValid(), result.error());
      assertEquals(retries, result.link().policy().retries());
    }
  }

  /**
   * grpc clients make at most 5 attempts unless the channel raises the limit
   * ({@code ManagedChannelBuilder.maxRetryAttempts}, default 5; the proxy's UpstreamChannels does not):
   * {@code retries: 5} to {@code 10} are accepted here but silently become 4.
   */
  @Test
  void retriesOutOfRange() {
    assertEquals(PREFIX + "spec.policy.retries: 11 is not between 0 and 10",
        error(seedWith("request-timeout: 5s", "request-timeout: 5s\n    retries: 11")));
    assertEquals(PREFIX + "spec.policy.retries: -1 is not between 0 and 10",
        error(seedWith("request-timeout: 5s", "request-timeout: 5s\n    retries: -1")));
  }

  // --- retry budget ---

  private static String budget(String value) {
    return seedWith("request-timeout: 5s", "request-timeout: 5s\n    retry-budget: \"" + value + "\"");
  }

  @Test
  void theRetryBudgetDefaultsToTwentyPercent() {
    assertEquals(0.2, validate(Seed.YAML).link().policy().retryBudget());
    assertEquals(0.2, validate(Seed.yaml("plain", "plain.example", 80, "backend:8080")).link().policy().retryBudget());
  }

  @Test
  void aRetryBudgetIsAPercentage() {
    assertEquals(0.5, validate(budget("50%")).link().policy().retryBudget());
    assertEquals(0.0, validate(budget("0%")).link().policy().retryBudget());
    assertEquals(1.0, validate(budget("100%")).link().policy().retryBudget());
    assertEquals(0.125, validate(budget("12.5%")).link().policy().retryBudget());
  }

  @Test
  void aRetryBudgetThatIsNotAPercentage() {
    for (String bad : List.of("150%", "100.1%", "20", "0.2", "-5%", "20 %", "%")) {
      assertEquals(PREFIX + "spec.policy.retry-budget: '" + bad + "' is not a percentage from 0% to 100%",
          error(budget(bad)), bad);
    }
  }

  @Test
  void routesInheritTheRetryBudgetButCannotSetIt() {
    assertEquals(0.5, validate(budget("50%") + "  routes:\n    - method: /pkg.Svc/Get\n      policy: {retries: 1}\n")
        .link().methodRoutes().get(0).policy().retryBudget());
    assertEquals(PREFIX + "spec.routes[0].policy.retry-budget: the budget is Link-wide; set it in spec.policy",
        error(withRoutes("""
            - method: /pkg.Svc/Get
              policy: {retry-budget: 10%}
            """)));
  }

  // --- routes ---

  /** The seed with {@code routes} (list items, indented by four) as its spec.routes. */
  private static String withRoutes(String routes) {
    return Seed.YAML + "  routes:\n" + routes.stripIndent().lines().map(line -> "    " + line + "\n")
        .reduce("", String::concat);
  }

  private static final RoutePolicy SEED_POLICY =
      new RoutePolicy(Optional.of(Duration.ofSeconds(5)), List.of(RetryOn.CANCELLED, RetryOn.DEADLINE_EXCEEDED), 2);

  @Test
  void aLinkWithoutRoutesHasOnlyTheDefault() {
    assertEquals(List.of(), validate(Seed.YAML).link().methodRoutes());
  }

  @Test
  void routesInTheirOrder() {
    LinkOrError result = validate(withRoutes("""
        - method: /pkg.Svc/Get
          target: [{name: get-backend, port: 8001}]
          policy: {request-timeout: 250ms, retry-on: [unavailable], retries: 4}
        - method: /pkg.Svc/*
        """));

    assertTrue(result.isValid(), result.error());
    assertEquals(List.of(
            new MethodRoute("/pkg.Svc/Get", Backends.of(List.of(new Target("get-backend", 8001))),
                new RoutePolicy(Optional.of(Duration.ofMillis(250)), List.of(RetryOn.UNAVAILABLE), 4)),
            new MethodRoute("/pkg.Svc/*", Backends.of(List.of(Seed.V1, Seed.V2)), SEED_POLICY)),
        result.link().methodRoutes());
    assertFalse(result.link().methodRoutes().get(0).wholeService());
    assertTrue(result.link().methodRoutes().get(1).wholeService());
    // The default route is unchanged by the routes.
    assertEquals(Backends.of(List.of(Seed.V1, Seed.V2)), result.link().backends());
    assertEquals(SEED_POLICY, result.link().policy());
  }

  @Test
  void aRouteWithoutTargetsUsesTheLinksBackends() {
    LinkOrError weightedLink = validate(weighted("90", "10") + "  routes:\n    - method: /pkg.Svc/Get\n");

    assertTrue(weightedLink.isValid(), weightedLink.error());
    MethodRoute route = weightedLink.link().methodRoutes().get(0);
    assertEquals(new Backends(List.of(Seed.V1, Seed.V2), List.of(90, 10)), route.backends());
    assertEquals(weightedLink.link().backends(), route.backends());
  }

  @Test
  void aRouteWithoutPolicyUsesTheLinks() {
    MethodRoute route = validate(withRoutes("- method: /pkg.Svc/Get\n")).link().methodRoutes().get(0);

    assertEquals(SEED_POLICY, route.policy());
  }

  @Test
  void aRoutePolicyWithOnlyATimeoutKeepsTheLinksRetries() {
    MethodRoute route = validate(withRoutes("""
        - method: /pkg.Svc/Get
          policy: {request-timeout: 100ms}
        """)).link().methodRoutes().get(0);

    assertEquals(new RoutePolicy(Optional.of(Duration.ofMillis(100)), SEED_POLICY.retryOn(), 2), route.policy());
  }

  @Test
  void aRoutePolicyWithOnlyRetryOnKeepsTheLinksTimeout() {
    MethodRoute route = validate(withRoutes("""
        - method: /pkg.Svc/Get
          policy: {retry-on: [unavailable], retries: 7}
        """)).link().methodRoutes().get(0);

    assertEquals(new RoutePolicy(Optional.of(Duration.ofSeconds(5)), List.of(RetryOn.UNAVAILABLE), 7), route.policy());
  }

  @Test
  void aRouteMayTurnRetriesOff() {
    MethodRoute route = validate(withRoutes("""
        - method: /pkg.Svc/Get
          policy: {retry-on: []}
        """)).link().methodRoutes().get(0);

    assertEquals(new RoutePolicy(Optional.of(Duration.ofSeconds(5)), List.of(), 2), route.policy());
  }

  @Test
  void aRouteInheritsTheLinksRetries() {
    String yaml = seedWith("request-timeout: 5s", "request-timeout: 5s\n    retries: 6")
        + "  routes:\n    - method: /pkg.Svc/Get\n      policy: {request-timeout: 1s}\n";

    assertEquals(6, validate(yaml).link().methodRoutes().get(0).policy().retries());
  }

  @Test
  void theTargetsOfEveryRouteNeedEndpoints() {
    MeshLink link = validate(withRoutes("""
        - method: /pkg.Svc/Get
          target: [{name: get-backend, port: 8001}, {name: grpc-service-v2, port: 7002}]
        - method: /pkg.Svc/Put
          target: [{name: put-backend, port: 8002}]
        """)).link();

    assertEquals(List.of(Seed.V1, Seed.V2, new Target("get-backend", 8001), new Target("put-backend", 8002)),
        link.targets());
  }

  @Test
  void aRouteWithoutMethod() {
    assertEquals(PREFIX + "spec.routes[0].method: is required",
        error(withRoutes("- target: [{name: get-backend, port: 8001}]\n")));
  }

  @Test
  void aRouteWithAnInvalidMethod() {
    for (String method : List.of("Get", "pkg.Svc/Get", "/pkg.Svc/", "/pkg.Svc", "/*", "/pkg.Svc/Get/x", "/pkg.Svc/G*")) {
      assertEquals(PREFIX + "spec.routes[0].method: '" + method + "' is not /package.Service/Method or /package.Service/*",
          error(withRoutes("- method: \"" + method + "\"\n")), method);
    }
  }

  @Test
  void twoRoutesForOneMethod() {
    assertEquals(PREFIX + "spec.routes[1].method: /pkg.Svc/Get has a route already",
        error(withRoutes("""
            - method: /pkg.Svc/Get
            - method: /pkg.Svc/Get
              target: [{name: get-backend, port: 8001}]
            """)));
  }

  @Test
  void anEmptyRoute() {
    assertEquals(PREFIX + "spec.routes[0]: is empty", error(Seed.YAML + "  routes: [null]\n"));
  }

  @Test
  void errorsInARoutesTargetsNameTheRoute() {
    assertEquals(PREFIX + "spec.routes[0].target[0].port: is required",
        error(withRoutes("""
            - method: /pkg.Svc/Get
              target: [{name: get-backend}]
            """)));
    assertEquals(PREFIX + "spec.routes[0].target: at least one target is required",
        error(withRoutes("""
            - method: /pkg.Svc/Get
              target: []
            """)));
    assertEquals(PREFIX + "spec.routes[0].target[1].weight: is required when another target has a weight",
        error(withRoutes("""
            - method: /pkg.Svc/Get
              target: [{name: a, port: 1, weight: 5}, {name: b, port: 2}]
            """)));
  }

  @Test
  void errorsInARoutesPolicyNameTheRoute() {
    assertEquals(PREFIX + "spec.routes[0].policy.request-timeout: 'soon' is not a positive duration such as 5s, 250ms or 1m30s",
        error(withRoutes("""
            - method: /pkg.Svc/Get
              policy: {request-timeout: soon}
            """)));
    assertEquals(PREFIX + "spec.routes[0].policy.retry-on[0]: 'not-found' cannot be retried on; use one of "
            + "cancelled, deadline-exceeded, internal, resource-exhausted, unavailable",
        error(withRoutes("""
            - method: /pkg.Svc/Get
              policy: {retry-on: [not-found]}
            """)));
    assertEquals(PREFIX + "spec.routes[0].policy.retries: 11 is not between 0 and 10",
        error(withRoutes("""
            - method: /pkg.Svc/Get
              policy: {retries: 11}
            """)));
  }

  @Test
  void everyRouteErrorIsReportedInOrder() {
    assertEquals(PREFIX + String.join("; ",
            "spec.routes[0].method: is required",
            "spec.routes[0].target[0].port: 0 is not a port (1-65535)",
            "spec.routes[0].policy.request-timeout: '0s' is not a positive duration such as 5s, 250ms or 1m30s",
            "spec.routes[1].method: 'x' is not /package.Service/Method or /package.Service/*"),
        error(withRoutes("""
            - target: [{name: a, port: 0}]
              policy: {request-timeout: 0s}
            - method: x
            """)));
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
