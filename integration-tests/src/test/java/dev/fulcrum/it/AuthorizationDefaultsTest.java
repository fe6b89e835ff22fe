package dev.fulcrum.it;

import static dev.fulcrum.it.AuthorizationCalls.answers;
import static dev.fulcrum.it.AuthorizationCalls.echo;
import static dev.fulcrum.it.AuthorizationCalls.refused;
import static dev.fulcrum.it.AuthorizationCalls.serverStream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.echo.v1.EchoServiceGrpc.EchoServiceBlockingStub;
import dev.fulcrum.testing.Await;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The defaults for servers no Authorization selects, on real sidecars over mTLS: the control
 * plane's {@code deny} refuses every call, and a workload's own {@code authenticated}
 * ({@code --default-inbound-policy}, from its pod's annotation) lets meshed callers in and refuses
 * plaintext ones. An Authorization then opens what it allows, and only that.
 */
class AuthorizationDefaultsTest {
  private static final String AUTHENTICATED_SERVICE = "echo-authenticated.default.svc.cluster.local:50051";

  @Test
  void denyRefusesWhatNoPolicyAllowsAndAuthenticatedRefusesPlaintextCallers() throws Exception {
    String denied = Mesh.link("my-grpc-service", "grpc-service.default.svc.cluster.local", 50051, "{v1}");
    try (Mesh mesh = new Mesh(1, denied, Optional.empty(), UnaryOperator.identity(),
        Optional.of(new Mesh.Meshed(InboundTls.PERMISSIVE, Duration.ofHours(1), DefaultInboundPolicy.DENY)))) {
      Mesh.Sidecar authenticated = Mesh.startSidecar(Files.createTempFile("sidecar-authenticated", ".log"),
          mesh.echo(1).port(), "default/echo-v1", mesh.controlPlane.xdsPort(), InboundTls.PERMISSIVE,
          DefaultInboundPolicy.FLAG, "authenticated");
      try {
        Mesh.awaitSidecar(authenticated);
        String links = denied + "---\n" + Mesh.link("echo-authenticated", "echo-authenticated.default.svc.cluster.local", 50051,
            authenticated.inboundPort() + ", identity: default/echo-v1");
        mesh.writeLinks(links);
        EchoServiceBlockingStub toDenying = EchoServiceGrpc.newBlockingStub(mesh.proxyChannel(Mesh.SERVICE));
        EchoServiceBlockingStub toAuthenticated = EchoServiceGrpc.newBlockingStub(mesh.proxyChannel(AUTHENTICATED_SERVICE));

        Await.until(() -> answers(toAuthenticated), Duration.ofSeconds(30), "the meshed caller let in by default:authenticated");
        StatusRuntimeException meshed = assertThrows(StatusRuntimeException.class, () -> echo(toDenying));
        assertEquals(Status.Code.PERMISSION_DENIED, meshed.getStatus().getCode(), meshed.getStatus().toString());
        assertTrue(meshed.getStatus().getDescription().contains("default:deny"), meshed.getStatus().toString());
        StatusRuntimeException plaintextToDenying = assertThrows(StatusRuntimeException.class,
            () -> echo(EchoServiceGrpc.newBlockingStub(mesh.channelTo(mesh.sidecars.get(0).inboundPort()))));
        assertEquals(Status.Code.PERMISSION_DENIED, plaintextToDenying.getStatus().getCode());
        StatusRuntimeException plaintextToAuthenticated = assertThrows(StatusRuntimeException.class,
            () -> echo(EchoServiceGrpc.newBlockingStub(mesh.channelTo(authenticated.inboundPort()))));
        assertEquals(Status.Code.PERMISSION_DENIED, plaintextToAuthenticated.getStatus().getCode());
        assertTrue(plaintextToAuthenticated.getStatus().getDescription().contains("default:authenticated"),
            plaintextToAuthenticated.getStatus().toString());

        mesh.writeLinks(links + """
            ---
            apiVersion: linkerd.io/v1alpha1
            kind: Authorization
            metadata: {name: client-echoes, namespace: default}
            spec:
              server: {identity: default/echo-v1, port: %d}
              rules:
                - from: {identities: ["default/client"]}
                  methods: ["/fulcrum.echo.v1.EchoService/Echo"]
            """.formatted(mesh.echo(1).port()));
        Await.until(() -> answers(toDenying), Duration.ofSeconds(10), "the Authorization opens Echo to default/client");
        StatusRuntimeException otherMethod = assertThrows(StatusRuntimeException.class,
            () -> serverStream(toDenying));
        assertEquals(Status.Code.PERMISSION_DENIED, otherMethod.getStatus().getCode(), "and nothing else");
        assertTrue(otherMethod.getStatus().getDescription().contains("default/client-echoes"), otherMethod.getStatus().toString());
      } finally {
        authenticated.process().destroy();
      }
    }
  }



}
