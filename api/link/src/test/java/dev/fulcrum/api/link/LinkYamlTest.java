package dev.fulcrum.api.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.LinkSpec.RouteSpec;
import dev.fulcrum.api.link.LinkSpec.ServiceRef;
import dev.fulcrum.api.link.LinkSpec.TargetRef;
import dev.fulcrum.api.link.LinkYaml.Document;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkYamlTest {
  /** The seed Link, verbatim. */
  static final String SEED = SeedLink.YAML;

  private static String link(String name) {
    return """
        apiVersion: linkerd.io/v1alpha1
        kind: Link
        metadata: {name: %s}
        spec:
          service: {name: %s.example, port: 8080}
          target:
            - {name: backend, port: 9090}
        """.formatted(name, name);
  }

  @Test
  void readsTheSeedLinkVerbatim() {
    List<Document> documents = LinkYaml.read("links.yaml", SEED);

    assertEquals(1, documents.size());
    Document document = documents.get(0);
    assertNull(document.error());
    assertEquals("links.yaml", document.source());
    assertEquals(1, document.index());
    assertEquals("links.yaml#1", document.label());
    Link link = document.link();
    assertEquals("linkerd.io/v1alpha1", link.getApiVersion());
    assertEquals("Link", link.getKind());
    assertEquals("my-grpc-service", link.getMetadata().getName());
    assertNull(link.getMetadata().getNamespace());
    assertEquals(
        new LinkSpec(
            new ServiceRef("grpc-service.default.svc.cluster.local", 50051),
            List.of(new TargetRef("grpc-service-v1", 7001), new TargetRef("grpc-service-v2", 7002)),
            "round-robin",
            new Policy("5s", List.of("cancelled", "deadline-exceeded"))),
        link.getSpec());
  }

  @Test
  void aWrongApiVersionOrKindIsAnErrorNamingTheField() {
    Document version = LinkYaml.read("f.yaml", SEED.replace("apiVersion: linkerd.io/v1alpha1", "apiVersion: linkerd.io/v1")).get(0);
    assertNull(version.link());
    assertEquals("apiVersion: must be linkerd.io/v1alpha1, not 'linkerd.io/v1'", version.error());

    Document kind = LinkYaml.read("f.yaml", SEED.replace("kind: Link", "kind: Service")).get(0);
    assertNull(kind.link());
    assertEquals("kind: must be Link or Authorization, not 'Service'", kind.error());

    Document missing = LinkYaml.read("f.yaml", SEED.replace("kind: Link\n", "")).get(0);
    assertEquals("kind: must be Link or Authorization, not 'null'", missing.error());
  }

  @Test
  void readsAnAuthorizationBesideALink() {
    List<Document> documents = LinkYaml.read("f.yaml", SEED + "---\n" + AuthorizationExample.YAML);

    assertEquals(2, documents.size());
    assertNull(documents.get(0).authorization());
    Document authorization = documents.get(1);
    assertNull(authorization.link());
    assertNull(authorization.error());
    assertEquals("echo-callers", authorization.authorization().getMetadata().getName());
    assertEquals("default/echo-v1", authorization.authorization().getSpec().server().identity());
    assertEquals(List.of("default/client", "payments/*"),
        authorization.authorization().getSpec().rules().get(0).from().identities());
  }

  @Test
  void anAuthorizationWithAnUnknownFieldIsAnErrorNamingIt() {
    Document document = LinkYaml.read("f.yaml", AuthorizationExample.YAML.replace("rules:", "rulez:")).get(0);

    assertTrue(document.unreadable());
    assertTrue(document.error().startsWith("spec.rulez: "), document.error());
  }

  @Test
  void readsOneDocumentPerYamlDocument() {
    List<Document> documents = LinkYaml.read("file.yaml", link("a") + "---\n" + link("b") + "---\n" + link("c"));

    assertEquals(3, documents.size());
    for (int i = 0; i < 3; i++) {
      Document document = documents.get(i);
      assertNull(document.error(), document.label());
      assertEquals(i + 1, document.index());
      assertEquals("file.yaml#" + (i + 1), document.label());
      assertEquals("file.yaml", document.source());
    }
    assertEquals(List.of("a", "b", "c"),
        documents.stream().map(d -> d.link().getMetadata().getName()).toList());
    assertEquals(new ServiceRef("b.example", 8080), documents.get(1).link().getSpec().service());
  }

  @Test
  void anUnknownFieldIsAnErrorNamingItsPathAndDoesNotStopTheOthers() {
    String bad = SEED.replace("strategy: round-robin", "strategi: round-robin");
    List<Document> documents = LinkYaml.read("file.yaml", link("a") + "---\n" + bad + "---\n" + link("c"));

    assertEquals(3, documents.size());
    Document error = documents.get(1);
    assertNull(error.link());
    assertEquals("file.yaml#2", error.label());
    assertNotNull(error.error());
    assertTrue(error.error().startsWith("spec.strategi: "), error.error());
    assertTrue(error.error().contains("\"strategi\""), error.error());
    assertEquals("a", documents.get(0).link().getMetadata().getName());
    assertEquals("c", documents.get(2).link().getMetadata().getName());
    assertEquals(3, documents.get(2).index());
  }

  @Test
  void anUnknownFieldInsideAListNamesTheElement() {
    String bad = SEED.replace("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v2, prot: 7002}");
    Document error = LinkYaml.read("file.yaml", bad).get(0);

    assertNull(error.link());
    assertTrue(error.error().startsWith("spec.target[1].prot: "), error.error());
  }

  @Test
  void aWrongTypeIsAnErrorNamingItsPath() {
    String bad = SEED.replace("port: 50051", "port: \"abc\"");
    List<Document> documents = LinkYaml.read("file.yaml", bad + "---\n" + link("b"));

    assertEquals(2, documents.size());
    Document error = documents.get(0);
    assertNull(error.link());
    assertEquals("file.yaml#1", error.label());
    assertTrue(error.error().startsWith("spec.service.port: "), error.error());
    assertTrue(error.error().contains("\"abc\""), error.error());
    assertTrue(!error.error().contains("Source"), "no source excerpt: " + error.error());
    assertEquals("b", documents.get(1).link().getMetadata().getName());
  }

  @Test
  void aSyntaxErrorIsOneErrorDocumentAndEndsTheStream() {
    String broken = """
        apiVersion: linkerd.io/v1alpha1
        kind: Link
        metadata: {name: broken
        """;
    List<Document> documents = LinkYaml.read("file.yaml", link("a") + "---\n" + broken + "---\n" + link("c"));

    assertEquals(2, documents.size(), documents.toString());
    assertEquals("a", documents.get(0).link().getMetadata().getName());
    Document error = documents.get(1);
    assertNull(error.link());
    assertEquals("file.yaml#2", error.label());
    assertNotNull(error.error());
  }

  @Test
  void aSyntaxErrorInTheFirstDocumentIsReportedAsTheFirstDocument() {
    List<Document> documents = LinkYaml.read("file.yaml", ": bad\n---\n" + link("b"));

    assertEquals(1, documents.size(), documents.toString());
    assertNull(documents.get(0).link());
    assertEquals("file.yaml#1", documents.get(0).label());
  }

  @Test
  void anEmptyStreamHasNoDocuments() {
    assertEquals(List.of(), LinkYaml.read("file.yaml", ""));
  }

  @Test
  void emptyDocumentsAreSkipped() {
    List<Document> documents = LinkYaml.read("file.yaml",
        "---\n" + link("a") + "---\n---\n# only a comment\n---\n" + link("b") + "---\n");

    assertEquals(2, documents.size(), documents.toString());
    assertNull(documents.get(0).error());
    assertNull(documents.get(1).error());
    assertEquals("a", documents.get(0).link().getMetadata().getName());
    assertEquals("b", documents.get(1).link().getMetadata().getName());
    assertEquals("file.yaml#1", documents.get(0).label());
  }

  @Test
  void aSyntaxErrorAfterAFieldErrorNamesTheSameDocument() {
    String broken = """
        apiVersion: linkerd.io/v1alpha1
        kind: Link
        spec: [a, b
        """;
    List<Document> documents = LinkYaml.read("file.yaml", link("a") + "---\n" + broken + "---\n" + link("c"));

    assertEquals(1, documents.stream().filter(d -> d.link() != null).count(), documents.toString());
    assertTrue(documents.stream().filter(d -> d.link() == null).allMatch(d -> d.label().equals("file.yaml#2")),
        documents.toString());
  }

  @Test
  void readsRoutesWeightsRetriesAndTheRetryBudget() {
    String yaml = SEED
        .replace("{name: grpc-service-v1, port: 7001}", "{name: grpc-service-v1, port: 7001, weight: 90}")
        .replace("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v2, port: 7002, weight: 10}")
        .replace("request-timeout: 5s", "request-timeout: 5s\n    retries: 3\n    retry-budget: 25%")
        + """
          routes:
            - method: /pkg.Svc/Get
              target: [{name: get-backend, port: 8001}]
              policy: {request-timeout: 250ms}
            - method: /pkg.Svc/*
        """;
    LinkSpec spec = LinkYaml.read("links.yaml", yaml).get(0).link().getSpec();

    assertEquals(List.of(new TargetRef("grpc-service-v1", 7001, 90), new TargetRef("grpc-service-v2", 7002, 10)),
        spec.target());
    assertEquals(new Policy("5s", List.of("cancelled", "deadline-exceeded"), 3, "25%"), spec.policy());
    assertEquals(List.of(
            new RouteSpec("/pkg.Svc/Get", List.of(new TargetRef("get-backend", 8001)), new Policy("250ms", null)),
            new RouteSpec("/pkg.Svc/*", null, null)),
        spec.routes());
  }

  @Test
  void theShortConstructorsLeaveTheNewFieldsOut() {
    assertEquals(new TargetRef("a", 1, null), new TargetRef("a", 1));
    assertEquals(new Policy("1s", List.of(), null, null), new Policy("1s", List.of()));
    assertEquals(new Policy("1s", List.of(), 4, null), new Policy("1s", List.of(), 4));
    LinkSpec spec = new LinkSpec(new ServiceRef("s", 1), List.of(), null, null);
    assertNull(spec.routes());
  }

  @Test
  void anUnknownFieldInARouteNamesIt() {
    Document error = LinkYaml.read("file.yaml", SEED + "  routes:\n    - {metod: /pkg.Svc/Get}\n").get(0);

    assertNull(error.link());
    assertTrue(error.error().startsWith("spec.routes[0].metod: "), error.error());
  }

  @Test
  void aWeightThatIsNotANumberNamesTheTarget() {
    Document error = LinkYaml.read("file.yaml",
        SEED.replace("{name: grpc-service-v2, port: 7002}", "{name: grpc-service-v2, port: 7002, weight: lots}")).get(0);

    assertNull(error.link());
    assertTrue(error.error().startsWith("spec.target[1].weight: "), error.error());
  }
}
