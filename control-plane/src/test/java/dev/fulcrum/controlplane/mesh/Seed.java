package dev.fulcrum.controlplane.mesh;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkYaml;
import dev.fulcrum.api.link.LinkYaml.Document;
import dev.fulcrum.api.link.SeedLink;
import java.util.List;

/** The seed Link and small helpers to read Links from YAML in tests. */
public final class Seed {
  /** The seed Link, verbatim. */
  public static final String YAML = SeedLink.YAML;

  public static final Authority SERVICE = new Authority("grpc-service.default.svc.cluster.local", 50051);
  public static final Target V1 = new Target("grpc-service-v1", 7001);
  public static final Target V2 = new Target("grpc-service-v2", 7002);

  private Seed() {}

  /** The one document of {@code yaml}, which must be readable. */
  public static Document document(String source, String yaml) {
    List<Document> documents = LinkYaml.read(source, yaml);
    if (documents.size() != 1 || documents.get(0).link() == null) {
      throw new AssertionError("expected one readable document: " + documents);
    }
    return documents.get(0);
  }

  public static Link link(String yaml) {
    return document("links.yaml", yaml).link();
  }

  /** A minimal valid Link named {@code name} for {@code host:port} with one target per entry. */
  public static String yaml(String name, String host, int port, String... targets) {
    StringBuilder yaml = new StringBuilder("""
        apiVersion: linkerd.io/v1alpha1
        kind: Link
        metadata: {name: %s}
        spec:
          service: {name: %s, port: %d}
          target:
        """.formatted(name, host, port));
    for (String target : targets) {
      String[] parts = target.split(":");
      yaml.append("    - {name: ").append(parts[0]).append(", port: ").append(parts[1]).append("}\n");
    }
    return yaml.toString();
  }
}
