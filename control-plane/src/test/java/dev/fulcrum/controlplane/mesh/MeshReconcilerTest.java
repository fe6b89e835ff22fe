package dev.fulcrum.controlplane.mesh;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkYaml.Document;
import dev.fulcrum.contract.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MeshReconcilerTest {
  private static final Endpoint E1 = new Endpoint("10.0.0.1", 7001);
  private static final Endpoint E2 = new Endpoint("10.0.0.2", 7002);
  private static final Endpoint E3 = new Endpoint("10.0.0.3", 9090);

  /** The fake DNS: targets not in it cannot be resolved. */
  private final Map<Target, List<Endpoint>> dns = new HashMap<>(Map.of(
      Seed.V1, List.of(E1),
      Seed.V2, List.of(E2),
      new Target("other-backend", 9090), List.of(E3)));
  private final List<Target> lookups = new ArrayList<>();
  private final MeshReconciler reconciler = new MeshReconciler(new LinkValidator(), target -> {
    lookups.add(target);
    List<Endpoint> endpoints = dns.get(target);
    if (endpoints == null) {
      throw new EndpointResolver.UnresolvedTargetException("cannot resolve host '" + target.name() + "'");
    }
    return endpoints;
  });

  private static final MeshLink SEED_LINK = new MeshLink("default/my-grpc-service", Seed.SERVICE,
      Strategy.ROUND_ROBIN, Backends.of(List.of(Seed.V1, Seed.V2)),
      new RoutePolicy(Optional.of(Duration.ofSeconds(5)), List.of(RetryOn.CANCELLED, RetryOn.DEADLINE_EXCEEDED), 2));
  private static final String OTHER = Seed.yaml("other", "other.example", 443, "other-backend:9090");
  private static final MeshLink OTHER_LINK = new MeshLink("default/other", new Authority("other.example", 443),
      Strategy.ROUND_ROBIN, Backends.of(List.of(new Target("other-backend", 9090))), RoutePolicy.NONE);

  /** Documents file.yaml#1.. for the given YAML texts, in order. */
  private static List<Document> documents(String... yamls) {
    List<Document> documents = new ArrayList<>();
    for (int i = 0; i < yamls.length; i++) {
      Link link = Seed.link(yamls[i]);
      documents.add(new Document("file.yaml", i + 1, link, null));
    }
    return documents;
  }

  @Test
  void validLinksMakeTheModel() {
    MeshModel model = reconciler.reconcile(documents(Seed.YAML, OTHER));

    assertEquals(List.of(SEED_LINK, OTHER_LINK), model.links());
    assertEquals(Map.of(Seed.V1, List.of(E1), Seed.V2, List.of(E2), new Target("other-backend", 9090), List.of(E3)),
        model.endpoints());
    assertEquals(List.of(), model.errors());
    assertSame(model, reconciler.current());
  }

  @Test
  void startsEmpty() {
    assertSame(MeshModel.EMPTY, reconciler.current());
    assertEquals(MeshModel.EMPTY, reconciler.reconcile(List.of()));
  }

  @Test
  void aTargetSharedByTwoLinksIsResolvedOnce() {
    String sharing = Seed.yaml("sharing", "sharing.example", 80, "grpc-service-v1:7001");

    MeshModel model = reconciler.reconcile(documents(Seed.YAML, sharing));

    assertEquals(2, model.links().size());
    assertEquals(List.of(Seed.V1, Seed.V2), lookups);
    assertEquals(List.of(E1), model.endpointsOf(Seed.V1));
  }

  @Test
  void anInvalidNewVersionKeepsThePreviousValidVersion() {
    reconciler.reconcile(documents(Seed.YAML, OTHER));

    MeshModel model = reconciler.reconcile(documents(Seed.YAML.replace("strategy: round-robin", "strategy: fastest"), OTHER));

    assertEquals(List.of(SEED_LINK, OTHER_LINK), model.links());
    assertEquals(List.of(
            "file.yaml#1 (Link my-grpc-service): spec.strategy: 'fastest' is not one of round-robin, least-loaded, random, peak-ewma",
            "file.yaml#1: keeps serving the last valid version of Link default/my-grpc-service"),
        model.errors());
    assertEquals(List.of(E1), model.endpointsOf(Seed.V1));
  }

  @Test
  void aValidNewVersionReplacesThePreviousOne() {
    reconciler.reconcile(documents(Seed.YAML));

    MeshModel model = reconciler.reconcile(documents(Seed.YAML.replace("strategy: round-robin", "strategy: random")));

    assertEquals(1, model.links().size());
    assertEquals(Strategy.RANDOM, model.links().get(0).strategy());
    assertEquals(List.of(), model.errors());
  }

  @Test
  void anInvalidLinkWithoutPreviousVersionIsLeftOut() {
    MeshModel model = reconciler.reconcile(documents(Seed.YAML.replace("port: 50051", "port: 70000"), OTHER));

    assertEquals(List.of(OTHER_LINK), model.links());
    assertEquals(List.of("file.yaml#1 (Link my-grpc-service): spec.service.port: 70000 is not a port (1-65535)"),
        model.errors());
    assertEquals(List.of(), model.endpointsOf(Seed.V1));
    assertEquals(List.of(new Target("other-backend", 9090)), lookups);
  }

  @Test
  void aSecondLinkClaimingTheSameServiceIsRejected() {
    String rival = Seed.yaml("rival", "grpc-service.default.svc.cluster.local", 50051, "other-backend:9090");

    MeshModel model = reconciler.reconcile(documents(Seed.YAML, rival));

    assertEquals(List.of(SEED_LINK), model.links());
    assertEquals(List.of("file.yaml#2: spec.service: grpc-service.default.svc.cluster.local:50051"
        + " is already served by Link default/my-grpc-service"), model.errors());
    assertEquals(List.of(), model.endpointsOf(new Target("other-backend", 9090)));
  }

  @Test
  void aLinkDeclaredTwiceKeepsTheFirst() {
    String again = Seed.yaml("my-grpc-service", "again.example", 80, "other-backend:9090");

    MeshModel model = reconciler.reconcile(documents(Seed.YAML, again));

    assertEquals(List.of(SEED_LINK), model.links());
    assertEquals(List.of("file.yaml#2: metadata.name: Link default/my-grpc-service is declared twice;"
        + " the first one is kept"), model.errors());
  }

  @Test
  void aLinkRemovedFromTheDocumentsDisappears() {
    reconciler.reconcile(documents(Seed.YAML, OTHER));

    MeshModel model = reconciler.reconcile(documents(OTHER));

    assertEquals(List.of(OTHER_LINK), model.links());
    assertEquals(Map.of(new Target("other-backend", 9090), List.of(E3)), model.endpoints());
    assertEquals(List.of(), model.errors());
    assertEquals(MeshModel.EMPTY, reconciler.reconcile(List.of()));
  }

  @Test
  void anUnreadableDocumentKeepsEveryPreviousLink() {
    reconciler.reconcile(documents(Seed.YAML, OTHER));
    List<Document> documents = new ArrayList<>(documents(OTHER));
    documents.add(new Document("file.yaml", 2, null, "spec.strategi: Unrecognized property \"strategi\""));

    MeshModel model = reconciler.reconcile(documents);

    assertEquals(List.of(OTHER_LINK, SEED_LINK), model.links());
    assertEquals(List.of("file.yaml#2: spec.strategi: Unrecognized property \"strategi\""), model.errors());
    assertEquals(List.of(E1), model.endpointsOf(Seed.V1));
    assertEquals(List.of(E2), model.endpointsOf(Seed.V2));
  }

  @Test
  void anUnreadableDocumentDoesNotBringBackALinkWhoseServiceIsNowTaken() {
    reconciler.reconcile(documents(Seed.YAML));
    List<Document> documents = new ArrayList<>(documents(
        Seed.yaml("successor", "grpc-service.default.svc.cluster.local", 50051, "other-backend:9090")));
    documents.add(new Document("file.yaml", 2, null, "boom"));

    MeshModel model = reconciler.reconcile(documents);

    assertEquals(List.of("default/successor"), model.links().stream().map(MeshLink::id).toList());
  }

  @Test
  void anUnreadableFirstFileServesNothing() {
    MeshModel model = reconciler.reconcile(List.of(new Document("file.yaml", 1, null, "syntax error")));

    assertEquals(List.of(), model.links());
    assertEquals(List.of("file.yaml#1: syntax error"), model.errors());
  }

  @Test
  void anUnresolvableTargetIsAnErrorAndHasNoEndpoints() {
    dns.remove(Seed.V2);

    MeshModel model = reconciler.reconcile(documents(Seed.YAML));

    assertEquals(List.of(SEED_LINK), model.links());
    assertEquals(List.of("Link default/my-grpc-service: target grpc-service-v2:7002: cannot resolve host 'grpc-service-v2'"),
        model.errors());
    assertEquals(List.of(E1), model.endpointsOf(Seed.V1));
    assertEquals(List.of(), model.endpointsOf(Seed.V2));
  }

  @Test
  void endpointsAreResolvedAgainOnEachReconcile() {
    reconciler.reconcile(documents(Seed.YAML));
    dns.put(Seed.V1, List.of(E1, new Endpoint("10.0.0.9", 7001)));

    MeshModel model = reconciler.reconcile(documents(Seed.YAML));

    assertEquals(List.of(E1, new Endpoint("10.0.0.9", 7001)), model.endpointsOf(Seed.V1));
  }

  @Test
  void checkReportsTheErrorsOfAFileWithoutResolvingAnything() {
    List<Document> documents = documents(Seed.YAML.replace("strategy: round-robin", "strategy: fastest"), OTHER,
        Seed.yaml("rival", "other.example", 443, "nowhere:1"));

    assertEquals(List.of(
            "file.yaml#1 (Link my-grpc-service): spec.strategy: 'fastest' is not one of round-robin, least-loaded, random, peak-ewma",
            "file.yaml#3: spec.service: other.example:443 is already served by Link default/other"),
        MeshReconciler.check(documents));
    assertEquals(List.of(), MeshReconciler.check(documents(Seed.YAML, OTHER)));
    assertEquals(List.of(), lookups);
  }

  @Test
  void aLinkWithNullMetadataIsAnError() {
    reconciler.reconcile(documents(OTHER));
    Document nameless = Seed.document("file.yaml", Seed.YAML.replace("metadata: {name: my-grpc-service}", "metadata:"));

    MeshModel model = assertDoesNotThrow(() -> reconciler.reconcile(List.of(nameless)));

    assertEquals(List.of(), model.links());
    assertTrue(model.errors().contains("file.yaml#1: metadata.name: is required"), model.errors().toString());
  }
}
