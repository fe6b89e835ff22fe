package dev.fulcrum.api.link;

/**
 * An {@code Authorization} as issue 15 writes it, with every field it names: the document the
 * CRD and the control plane's validator must both accept. Shared through this module's test jar.
 */
public final class AuthorizationExample {
  public static final String YAML = """
      apiVersion: linkerd.io/v1alpha1
      kind: Authorization
      metadata: {name: echo-callers, namespace: default}
      spec:
        server: {identity: default/echo-v1}
        mode: enforce
        rules:
          - from: {identities: ["default/client", "payments/*"]}
            methods: ["/fulcrum.echo.v1.EchoService/*"]
          - from: {unauthenticated: true}
            methods: ["/grpc.health.v1.Health/Check"]
      """;

  private AuthorizationExample() {}
}
