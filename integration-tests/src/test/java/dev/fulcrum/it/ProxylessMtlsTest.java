package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import dev.fulcrum.tools.echo.EchoServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.xds.XdsChannelCredentials;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proxyless applications get mTLS from the same control plane: a grpc-java XdsServerBuilder server
 * (the echo server with --xds) and an XdsChannelCredentials client, each with the files and
 * bootstrap {@code tools/fulcrum identity} keeps for it, speak mTLS, and the server sees the
 * client's SPIFFE ID. A plaintext caller does not get through. They speak mTLS to Fulcrum's
 * sidecars too: the proxyless client to an inbound sidecar (strict), which sees its identity, and a
 * Fulcrum outbound proxy to the proxyless server, which sees the proxy's.
 */
class ProxylessMtlsTest {
  private static final String SERVICE = "echo-proxyless.default.svc.cluster.local:50051";
  /** An echo server behind Fulcrum's inbound sidecar. */
  private static final String SIDECAR_SERVICE = "echo-sidecar.default.svc.cluster.local:50051";
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private final List<Process> processes = new ArrayList<>();

  private Process start(String name, Map<String, String> environment, String... args) throws Exception {
    Process process = Launcher.start(environment, dir.resolve(name + ".log"), args);
    processes.add(process);
    return process;
  }

  @Test
  void anXdsServerAndAnXdsClientSpeakMtlsAndTheServerSeesTheClientsIdentity() throws Exception {
    int serverPort = Launcher.freePort();
    int sidecarPort = Launcher.freePort();
    Path links = Files.writeString(dir.resolve("links.yaml"), """
        apiVersion: linkerd.io/v1alpha1
        kind: Link
        metadata: {name: echo-proxyless}
        spec:
          service: {name: echo-proxyless.default.svc.cluster.local, port: 50051}
          target:
            - {name: 127.0.0.1, port: %d, identity: default/echo-server}
        ---
        apiVersion: linkerd.io/v1alpha1
        kind: Link
        metadata: {name: echo-sidecar}
        spec:
          service: {name: echo-sidecar.default.svc.cluster.local, port: 50051}
          target:
            - {name: 127.0.0.1, port: %d, identity: default/echo-behind-sidecar}
        """.formatted(serverPort, sidecarPort));
    EchoServer behindSidecar = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "behind-sidecar");
    try (ControlPlane controlPlane = ProxylessWorkloads.controlPlane(dir, links)) {
      String xds = "127.0.0.1:" + controlPlane.xdsPort();
      Path serverBootstrap = ProxylessWorkloads.certify(dir, xds, "default/echo-server", "server", processes);
      Path clientBootstrap = ProxylessWorkloads.certify(dir, xds, "default/client", "client", processes);
      start("echo", Map.of("GRPC_XDS_BOOTSTRAP", serverBootstrap.toString()),
          "echo", "--xds", "--port", String.valueOf(serverPort), "--name", "proxyless");
      Mesh.Sidecar sidecar = Mesh.startSidecar(dir.resolve("sidecar.log"), sidecarPort, Launcher.freePort(),
          behindSidecar.port(), "default/echo-behind-sidecar", controlPlane.xdsPort(), InboundTls.STRICT);
      processes.add(sidecar.process());
      int proxyPort = Launcher.freePort();
      start("proxy", Map.of(), "proxy", "--listen-port", String.valueOf(proxyPort), "--xds-server", xds,
          "--service", SERVICE, "--identity", "default/fulcrum-client", "--admin-port", String.valueOf(Launcher.freePort()));
      Launcher.awaitPort(serverPort, START);
      Mesh.awaitSidecar(sidecar);
      Launcher.awaitPort(proxyPort, START);

      // This JVM is the proxyless client: grpc-xds reads its bootstrap once, from this property.
      System.setProperty("io.grpc.xds.bootstrapConfig", Files.readString(clientBootstrap));
      ManagedChannel client = Grpc.newChannelBuilder("xds:///" + SERVICE,
          XdsChannelCredentials.create(InsecureChannelCredentials.create())).build();
      ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", serverPort).usePlaintext().build();
      ManagedChannel toSidecar = Grpc.newChannelBuilder("xds:///" + SIDECAR_SERVICE,
          XdsChannelCredentials.create(InsecureChannelCredentials.create())).build();
      ManagedChannel throughProxy = NettyChannelBuilder.forAddress("127.0.0.1", proxyPort).usePlaintext().build();
      try {
        AtomicReference<Metadata> headers = new AtomicReference<>();
        // The xDS server serves once its Listener (with mTLS) has arrived; until then it refuses.
        Await.until(() -> {
          try {
            EchoServiceGrpc.newBlockingStub(client)
                .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()))
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .echo(EchoRequest.newBuilder().setMessage("proxyless").build());
            return true;
          } catch (StatusRuntimeException e) {
            return false;
          }
        }, START, "a call from the proxyless client answered");
        assertEquals("spiffe://cluster.local/ns/default/sa/client", headers.get().get(EchoServer.PEER_IDENTITY_HEADER));

        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () ->
            EchoServiceGrpc.newBlockingStub(plaintext).withDeadlineAfter(5, TimeUnit.SECONDS)
                .echo(EchoRequest.newBuilder().setMessage("plaintext").build()));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.getStatus().toString());

        // The proxyless client to Fulcrum's inbound sidecar: mTLS, the sidecar proving its identity
        // (the client's xDS cluster expects it) and seeing the client's.
        assertEquals("behind-sidecar", EchoServiceGrpc.newBlockingStub(toSidecar).withDeadlineAfter(5, TimeUnit.SECONDS)
            .echo(EchoRequest.newBuilder().setMessage("to a sidecar").build()).getServer());
        String metrics = Launcher.get(sidecar.adminPort(), AdminPaths.METRICS);
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("fulcrum_calls_seconds_count{")
            && line.contains("direction=\"inbound\"") && line.contains("tls=\"true\"")
            && line.contains("identity=\"spiffe://cluster.local/ns/default/sa/client\"")), metrics);

        // Fulcrum's outbound proxy to the proxyless server: it sees the proxy's identity.
        AtomicReference<Metadata> viaProxy = new AtomicReference<>();
        Await.until(() -> {
          try {
            EchoServiceGrpc.newBlockingStub(throughProxy)
                .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(viaProxy, new AtomicReference<>()))
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .echo(EchoRequest.newBuilder().setMessage("from a sidecar").build());
            return true;
          } catch (StatusRuntimeException e) {
            return false;
          }
        }, START, "a call through Fulcrum's proxy answered by the proxyless server");
        assertEquals("spiffe://cluster.local/ns/default/sa/fulcrum-client", viaProxy.get().get(EchoServer.PEER_IDENTITY_HEADER));
      } finally {
        client.shutdownNow();
        plaintext.shutdownNow();
        toSidecar.shutdownNow();
        throughProxy.shutdownNow();
        processes.forEach(Process::destroy);
        behindSidecar.close();
      }
    }
  }
}
