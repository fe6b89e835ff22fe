package dev.fulcrum.it;

import static dev.fulcrum.it.AuthorizationCalls.answers;
import static dev.fulcrum.it.AuthorizationCalls.echo;
import static dev.fulcrum.it.AuthorizationCalls.refused;
import static dev.fulcrum.it.AuthorizationCalls.serverStream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxyless grpc-java server (XdsServerBuilder, with the bootstrap {@code tools/fulcrum identity}
 * writes for it) enforces the Authorizations that select it, as the control plane serves them on
 * its inbound Listener (RBAC, gRFC A41): grpc's own RBAC filter refuses, with no sidecar. Its
 * callers are Fulcrum outbound proxies with two identities, over mTLS.
 */
class ProxylessAuthorizationTest {
  private static final String SERVICE = "echo-proxyless.default.svc.cluster.local:50051";
  private static final Duration START = Duration.ofSeconds(60);
  private static final String POLICY = """
      apiVersion: linkerd.io/v1alpha1
      kind: Authorization
      metadata: {name: echo-callers, namespace: default}
      spec:
        server: {identity: default/echo-server}
        rules:
          - from: {identities: [%s]}
            methods: ["/fulcrum.echo.v1.EchoService/Echo"]
      """;

  @TempDir
  Path dir;

  private final List<Process> processes = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    processes.forEach(Process::destroy);
  }

  private void start(String name, Map<String, String> environment, String... args) throws Exception {
    processes.add(Launcher.start(environment, dir.resolve(name + ".log"), args));
  }

  private ManagedChannel channel(int port) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  private void write(Path file, String yaml) throws Exception {
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.writeString(next, yaml);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void anXdsServerRefusesWhatItsAuthorizationDoesNotAllowAndAppliesAnEdit() throws Exception {
    int serverPort = Launcher.freePort();
    String link = """
        apiVersion: linkerd.io/v1alpha1
        kind: Link
        metadata: {name: echo-proxyless}
        spec:
          service: {name: echo-proxyless.default.svc.cluster.local, port: 50051}
          target:
            - {name: 127.0.0.1, port: %d, identity: default/echo-server}
        ---
        """.formatted(serverPort);
    Path links = dir.resolve("links.yaml");
    write(links, link + POLICY.formatted("\"default/client\""));
    try (ControlPlane controlPlane = ProxylessWorkloads.controlPlane(dir, links)) {
      String xds = "127.0.0.1:" + controlPlane.xdsPort();
      Path bootstrap = ProxylessWorkloads.certify(dir, xds, "default/echo-server", "server", processes);
      start("echo", Map.of("GRPC_XDS_BOOTSTRAP", bootstrap.toString()),
          "echo", "--xds", "--port", String.valueOf(serverPort), "--name", "proxyless");
      int clientPort = Launcher.freePort();
      int otherPort = Launcher.freePort();
      for (var proxy : Map.of("default/client", clientPort, "default/other", otherPort).entrySet()) {
        start("proxy-" + proxy.getKey().replace('/', '-'), Map.of(), "proxy", "--listen-port", String.valueOf(proxy.getValue()),
            "--xds-server", xds, "--service", SERVICE, "--identity", proxy.getKey(),
            "--admin-port", String.valueOf(Launcher.freePort()));
      }
      Launcher.awaitPort(clientPort, START);
      Launcher.awaitPort(otherPort, START);
      EchoServiceGrpc.EchoServiceBlockingStub client = EchoServiceGrpc.newBlockingStub(channel(clientPort));
      EchoServiceGrpc.EchoServiceBlockingStub other = EchoServiceGrpc.newBlockingStub(channel(otherPort));

      // The xDS server serves once its Listener has arrived; until then it refuses connections.
      Await.until(() -> answers(client), START, "the allowed identity's call answered by the proxyless server");
      StatusRuntimeException otherMethod = assertThrows(StatusRuntimeException.class, () ->
          serverStream(client));
      assertEquals(Status.Code.PERMISSION_DENIED, otherMethod.getStatus().getCode(), otherMethod.getStatus().toString());
      StatusRuntimeException otherCaller = assertThrows(StatusRuntimeException.class, () ->
          echo(other));
      assertEquals(Status.Code.PERMISSION_DENIED, otherCaller.getStatus().getCode(), otherCaller.getStatus().toString());

      write(links, link + POLICY.formatted("\"default/client\", \"default/other\""));
      Await.until(() -> answers(other), Duration.ofSeconds(10), "the edit, allowing default/other, applied");
      assertEquals("proxyless", echo(client).getServer());

      // A bad edit keeps the last good policy: default/other stays allowed, nothing else opens.
      write(links, link + POLICY.formatted("\"default/client\", \"default/other\"").replace("  rules:", "  mode: enforcing\n  rules:"));
      Await.until(() -> controlPlane.model().errors().stream().anyMatch(e -> e.contains("enforcing")), Duration.ofSeconds(10),
          "the bad edit seen");
      assertEquals("proxyless", echo(other).getServer());
      StatusRuntimeException stillRefused = assertThrows(StatusRuntimeException.class, () ->
          serverStream(client));
      assertEquals(Status.Code.PERMISSION_DENIED, stillRefused.getStatus().getCode());
    }
  }


}
