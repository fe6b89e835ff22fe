package dev.fulcrum.api.link;

/**
 * The seed's {@code Link}, verbatim as users write it: the one document every module's tests must
 * accept unchanged. Shared through this module's test jar.
 */
public final class SeedLink {
  public static final String YAML = """
      apiVersion: linkerd.io/v1alpha1
      kind: Link
      metadata: {name: my-grpc-service}
      spec:
        service: {name: grpc-service.default.svc.cluster.local, port: 50051}
        target:
          - {name: grpc-service-v1, port: 7001}
          - {name: grpc-service-v2, port: 7002}
        strategy: round-robin   # or least-loaded, random
        policy:
          request-timeout: 5s
          retry-on: ["cancelled", "deadline-exceeded"]
      """;

  private SeedLink() {}
}
