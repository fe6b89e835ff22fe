package dev.fulcrum.controlplane.xds;

import static dev.fulcrum.controlplane.xds.Fixtures.OTHER_NAME;
import static dev.fulcrum.controlplane.xds.Fixtures.SEED_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fulcrum.controlplane.mesh.Authority;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.Seed;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkByLinkTranslationTest {
  private final LinkByLinkTranslation translation = new LinkByLinkTranslation(new XdsTranslator(), new XdsResourceValidator());

  private static MeshModel withAliases(MeshModel model) {
    return new MeshModel(model.links(), model.endpoints(), List.of(), Map.of(), Map.of(),
        Map.of("default/my-grpc-service", List.of(new Authority("grpc-service", 50051))));
  }

  private static MeshModel threeLinks() {
    return withAliases(Fixtures.model(List.of(Fixtures.seedLink(), Fixtures.otherLink(), Fixtures.thirdLink()), Map.of()));
  }

  @Test
  void givesWhatTranslatingTheWholeModelGives() {
    // If the translator ever makes one Link's resources depend on another Link, this fails.
    MeshModel model = threeLinks();
    assertEquals(Fixtures.translate(model), translation.translate(model).resources());
    assertEquals(List.of(), translation.translate(model).errors());
    assertEquals(Fixtures.translate(MeshModel.EMPTY), translation.translate(MeshModel.EMPTY).resources());
  }

  @Test
  void anEndpointChangeRetranslatesOnlyThatLink() {
    XdsResources before = translation.translate(threeLinks()).resources();
    MeshModel changed = withAliases(Fixtures.model(List.of(Fixtures.seedLink(), Fixtures.otherLink(), Fixtures.thirdLink()),
        Map.of(Fixtures.OTHER_TARGET, List.of(new Endpoint("10.0.1.2", 9090)))));
    XdsResources after = translation.translate(changed).resources();

    assertEquals(Fixtures.translate(changed), after);
    assertNotSame(before.endpoints().get(OTHER_NAME), after.endpoints().get(OTHER_NAME));
    assertSame(before.endpoints().get(SEED_NAME), after.endpoints().get(SEED_NAME));
    assertSame(before.listeners().get(SEED_NAME), after.listeners().get(SEED_NAME));
    assertSame(before.listeners().get("grpc-service:50051"), after.listeners().get("grpc-service:50051"));
    assertSame(before.routes().get(SEED_NAME), after.routes().get(SEED_NAME));
  }

  @Test
  void aLinkRemovedAndReaddedIsTranslatedAgainCorrectly() {
    translation.translate(threeLinks());
    translation.translate(Fixtures.model(List.of(Fixtures.otherLink()), Map.of()));
    MeshModel seedOnly = Fixtures.model(List.of(Fixtures.seedLink()), Map.of(Seed.V1, List.of(Fixtures.E2)));
    assertEquals(Fixtures.translate(seedOnly), translation.translate(seedOnly).resources());
  }
}
