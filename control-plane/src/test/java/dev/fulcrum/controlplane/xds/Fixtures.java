package dev.fulcrum.controlplane.xds;

import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.LinkValidator;
import dev.fulcrum.controlplane.mesh.MeshLink;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.Seed;
import dev.fulcrum.controlplane.mesh.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Models and resources for the xDS tests. */
final class Fixtures {
  static final String SEED_NAME = "grpc-service.default.svc.cluster.local:50051";
  static final String OTHER_NAME = "other.example:443";
  static final String THIRD_NAME = "third.example:80";
  static final Endpoint E1 = new Endpoint("10.0.0.1", 7001);
  static final Endpoint E2 = new Endpoint("10.0.0.2", 7002);
  static final Target OTHER_TARGET = new Target("other-backend", 9090);
  static final Target THIRD_TARGET = new Target("third-backend", 8080);

  private Fixtures() {}

  static MeshLink link(String yaml) {
    var result = new LinkValidator().validate("test.yaml#1", Seed.link(yaml));
    if (!result.isValid()) {
      throw new AssertionError(result.error());
    }
    return result.link();
  }

  static MeshLink seedLink() {
    return link(Seed.YAML);
  }

  static MeshLink otherLink() {
    return link(Seed.yaml("other", "other.example", 443, "other-backend:9090"));
  }

  static MeshLink thirdLink() {
    return link(Seed.yaml("third", "third.example", 80, "third-backend:8080"));
  }

  /** The seed link with its targets resolved to 10.0.0.1:7001 and 10.0.0.2:7002. */
  static MeshModel seedModel() {
    return model(List.of(seedLink()), Map.of(Seed.V1, List.of(E1), Seed.V2, List.of(E2)));
  }

  static MeshModel model(List<MeshLink> links, Map<Target, List<Endpoint>> endpoints) {
    Map<Target, List<Endpoint>> all = new HashMap<>(Map.of(
        Seed.V1, List.of(E1), Seed.V2, List.of(E2),
        OTHER_TARGET, List.of(new Endpoint("10.0.1.1", 9090)),
        THIRD_TARGET, List.of(new Endpoint("10.0.2.1", 8080))));
    all.putAll(endpoints);
    return new MeshModel(links, all, List.of());
  }

  static XdsResources translate(MeshModel model) {
    return new XdsTranslator().translate(model);
  }
}
