package dev.fulcrum.api.link;

/**
 * A {@code ClusterLink} as issue 17 describes it, with every field: the remote cluster, its
 * credentials' Secret, its gateway and the gateway's probe. Shared through this module's test jar.
 */
public final class ClusterLinkExample {
  public static final String YAML = """
      apiVersion: linkerd.io/v1alpha1
      kind: ClusterLink
      metadata: {name: east, namespace: fulcrum-system}
      spec:
        cluster: {name: east, domain: cluster.local}
        credentials: {secret: cluster-credentials-east, key: kubeconfig}
        gateway: {address: gateway.east.example.com, port: 4143, identity: fulcrum-system/fulcrum-gateway}
        probe: {path: /ready, port: 9990, period: 3s}
      """;

  private ClusterLinkExample() {}
}
