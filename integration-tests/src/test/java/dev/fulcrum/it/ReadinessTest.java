package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.source.FileLinkSource;
import dev.fulcrum.dataplane.Proxy;
import dev.fulcrum.dataplane.ProxyComponent;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import dev.fulcrum.tools.echo.EchoServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code /ready} means configured: a proxy started before its control plane answers 503 until
 * the control plane is up and its service's configuration applied, then 200. (grpc-xds bootstraps
 * once per JVM, so the proxy without {@code --service} is {@link ReadinessWithoutServiceTest}.)
 */
class ReadinessTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A proxy, and the control plane and echo servers it was started before. */
  record LateMesh(Proxy proxy, ControlPlane controlPlane, EchoServer v1, EchoServer v2) implements AutoCloseable {
    @Override
    public void close() {
      proxy.close();
      controlPlane.close();
      v1.close();
      v2.close();
    }
  }

  static int status(Proxy proxy, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + path)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode();
    } catch (Exception e) {
      throw new AssertionError("admin " + path + " did not answer", e);
    }
  }

  /**
   * Starts a proxy for {@code service} against a control plane that is not there yet, checks it
   * is live but not ready, then starts the control plane (the seed Link, on two echo servers) and
   * waits for ready.
   */
  static LateMesh proxyBeforeItsControlPlane(Optional<String> service) throws Exception {
    EchoServer v1 = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "v1");
    EchoServer v2 = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "v2");
    int xdsPort = Launcher.freePort();
    Proxy proxy = ProxyComponent.create(ProxyConfig.local(0, "127.0.0.1:" + xdsPort, service, "late-cp")).start();
    assertEquals(200, status(proxy, AdminPaths.LIVE), "live from the start");
    assertEquals(503, status(proxy, AdminPaths.READY), "not ready without a control plane");

    Path links = Files.createTempDirectory("fulcrum-ready").resolve("links.yaml");
    Files.writeString(links, Mesh.link("my-grpc-service", "grpc-service.default.svc.cluster.local", 50051,
        String.valueOf(v1.port()), String.valueOf(v2.port())));
    // The first 503 above was answered before the control plane existed; it starts only now.
    ControlPlane controlPlane = ControlPlaneComponent.create(ControlPlaneConfig.of(
        new InetSocketAddress("127.0.0.1", xdsPort), new InetSocketAddress("127.0.0.1", 0)), new FileLinkSource(links));
    controlPlane.start();
    // grpc's reconnect backoff after a refused connection is about a second, growing: 30 s is generous.
    Await.until(() -> status(proxy, AdminPaths.READY) == 200, Duration.ofSeconds(30), "ready once configured");
    return new LateMesh(proxy, controlPlane, v1, v2);
  }

  @Test
  void withAServiceReadyOnceItsConfigurationIsApplied() throws Exception {
    try (LateMesh mesh = proxyBeforeItsControlPlane(Optional.of(Mesh.SERVICE))) {
      // Ready means routable: the first call needs no wait-for-ready to find its backend.
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", mesh.proxy().port()).usePlaintext().build();
      try {
        String server = EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
            .echo(EchoRequest.newBuilder().setMessage("ready").build()).getServer();
        assertTrue(server.equals("v1") || server.equals("v2"), server);
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
