package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A permissive inbound side takes both on one port: meshed callers over mTLS (the proxy), callers
 * outside the mesh in plaintext; its metrics tell them apart.
 */
class PermissiveInboundTest {

  @Test
  void mtlsAndPlaintextCallersBothGetThroughAndAreCountedApart() throws Exception {
    try (Mesh mesh = new Mesh(1, Mesh.link("my-grpc-service", "grpc-service.default.svc.cluster.local", 50051, "{v1}"),
        Optional.of(Mesh.SERVICE), UnaryOperator.identity(), Optional.of(new Mesh.Meshed(InboundTls.PERMISSIVE, Duration.ofHours(1))))) {
      assertEquals(10, Calls.sequence(mesh.proxyChannel(), 10).stream().filter("v1"::equals).count(), "through the proxy, mTLS");
      ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", mesh.sidecars.get(0).inboundPort()).usePlaintext().build();
      try {
        for (int i = 0; i < 5; i++) {
          assertEquals("v1", EchoServiceGrpc.newBlockingStub(plaintext).withDeadlineAfter(5, TimeUnit.SECONDS)
              .echo(EchoRequest.newBuilder().setMessage("outside the mesh").build()).getServer());
        }
      } finally {
        plaintext.shutdownNow();
      }
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + mesh.sidecars.get(0).adminPort() + AdminPaths.METRICS)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.lines().anyMatch(line -> line.startsWith("fulcrum_calls_seconds_count{") && line.contains("direction=\"inbound\"")
          && line.contains("tls=\"true\"") && line.contains("identity=\"spiffe://cluster.local/ns/default/sa/client\"")
          && line.endsWith(" 10")), metrics);
      assertTrue(metrics.lines().anyMatch(line -> line.startsWith("fulcrum_calls_seconds_count{") && line.contains("direction=\"inbound\"")
          && line.contains("tls=\"false\"") && line.contains("identity=\"\"") && line.endsWith(" 5")), metrics);
    }
  }
}
