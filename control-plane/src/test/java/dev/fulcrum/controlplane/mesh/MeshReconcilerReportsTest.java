package dev.fulcrum.controlplane.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.LinkYaml.Document;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the model tells a source about its Links (for Kubernetes' status), and the aliases it gives them. */
class MeshReconcilerReportsTest {
  /** Every service "x" is also reachable as "x-alias"; "taken" is also "seed". */
  private final ServiceAliases aliases = (namespace, service) -> List.of(
      new Authority(service.host() + "-alias", service.port()), new Authority("shared", service.port()));
  private final MeshReconciler reconciler = new MeshReconciler(new LinkValidator(), target -> {
    if (target.name().equals("missing")) {
      throw new EndpointResolver.UnresolvedTargetException("Service default/missing not found");
    }
    return List.of(new Endpoint("10.0.0.1", target.port()));
  }, aliases);

  private static Document document(int index, String yaml) {
    return new Document("links.yaml", index, Seed.link(yaml), null);
  }

  @Test
  void refusedLinksAreReportedByIdWithTheirError() {
    MeshModel model = reconciler.reconcile(List.of(
        document(1, Seed.yaml("good", "good.example", 80, "backend:80")),
        document(2, Seed.yaml("bad", "bad.example", 0, "backend:80")),
        document(3, Seed.yaml("clash", "good.example", 80, "backend:81"))));
    assertEquals(List.of("default/good"), model.links().stream().map(MeshLink::id).toList());
    assertTrue(model.rejected().get("default/bad").contains("spec.service.port: 0 is not a port"), model.rejected().toString());
    assertTrue(model.rejected().get("default/clash").contains("spec.service: good.example:80 is already served by Link default/good"));
    assertEquals(2, model.rejected().size());
  }

  @Test
  void unresolvedTargetsAreReportedWithTheReason() {
    MeshModel model = reconciler.reconcile(List.of(document(1, Seed.yaml("a", "a.example", 80, "missing:80", "backend:80"))));
    assertEquals(Map.of(new Target("missing", 80), "Service default/missing not found"), model.unresolved());
  }

  @Test
  void aliasesGoToTheFirstLinkThatClaimsThemAndNeverShadowAService() {
    MeshModel model = reconciler.reconcile(List.of(
        document(1, Seed.yaml("a", "a.example", 80, "backend:80")),
        document(2, Seed.yaml("b", "b.example", 80, "backend:80")),
        document(3, Seed.yaml("c", "a.example-alias", 80, "backend:80"))));
    assertEquals(List.of(new Authority("shared", 80)), model.aliasesOf(model.links().get(0)),
        "a.example-alias:80 is Link c's own service");
    assertEquals(List.of(new Authority("b.example-alias", 80)), model.aliasesOf(model.links().get(1)),
        "shared:80 already went to Link a");
  }
}
