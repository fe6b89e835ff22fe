package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.identity.CertificateAuthority;
import dev.fulcrum.dataplane.identity.IdentityClient;
import dev.fulcrum.dataplane.identity.WorkloadCertificate;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A strict inbound side, called directly: a mesh certificate gets through; plaintext, TLS without a
 * certificate and a certificate from another CA do not, and the application sees none of them.
 * The clients here trust any server, so that a refusal can only be the inbound side's. And a proxy
 * that expects another identity at a target than the one there refuses to call it, tells its caller
 * why, and counts it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboundTlsTest {
  private Mesh mesh;

  @BeforeAll
  void start() throws Exception {
    mesh = new Mesh(1, Mesh.link("my-grpc-service", "grpc-service.default.svc.cluster.local", 50051, "{v1}"),
        Optional.of(Mesh.SERVICE), UnaryOperator.identity(), Optional.of(Mesh.Meshed.strict()));
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private int inbound() {
    return mesh.sidecars.get(0).inboundPort();
  }

  private static String echo(ManagedChannel channel) {
    try {
      return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .echo(EchoRequest.newBuilder().setMessage("direct").build()).getServer();
    } finally {
      channel.shutdownNow();
    }
  }

  private ManagedChannel tls(SslContextBuilder client) throws Exception {
    return NettyChannelBuilder.forAddress("127.0.0.1", inbound())
        .sslContext(GrpcSslContexts.configure(client).trustManager(InsecureTrustManagerFactory.INSTANCE).build())
        .build();
  }

  private void assertRefused(ManagedChannel channel) {
    long before = mesh.echo(1).service().calls();
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> echo(channel));
    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.getStatus().toString());
    assertEquals(before, mesh.echo(1).service().calls(), "the application saw no call");
  }

  @Test
  void aMeshCertificateGetsThrough() throws Exception {
    WorkloadCertificate mine = new IdentityClient("127.0.0.1:" + mesh.controlPlane.xdsPort(), "default/tester",
        Optional.empty()).certify();
    long before = mesh.echo(1).service().calls();
    assertEquals("v1", echo(tls(SslContextBuilder.forClient().keyManager(mine.key(), mine.chain()))));
    assertEquals(before + 1, mesh.echo(1).service().calls());
  }

  @Test
  void plaintextIsRefused() throws Exception {
    assertRefused(NettyChannelBuilder.forAddress("127.0.0.1", inbound()).usePlaintext().build());
    String metrics = get(mesh.sidecars.get(0).adminPort(), AdminPaths.METRICS);
    assertTrue(metrics.lines().anyMatch(line ->
        line.startsWith("fulcrum_inbound_refused_total{reason=\"plaintext\"}") && !line.endsWith(" 0")), metrics);
  }

  @Test
  void tlsWithoutACertificateIsRefused() throws Exception {
    assertRefused(tls(SslContextBuilder.forClient()));
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() throws Exception {
    Path other = Files.createTempDirectory("other-ca");
    CertificateAuthority stranger = CertificateAuthority.inDirectory(other, SpiffeId.DEFAULT_TRUST_DOMAIN, Clock.systemUTC());
    KeyPair key = newKey();
    List<X509Certificate> chain = stranger.issue(key.getPublic(),
        SpiffeId.ofWorkload("default/client", SpiffeId.DEFAULT_TRUST_DOMAIN), Duration.ofHours(1));
    assertRefused(tls(SslContextBuilder.forClient().keyManager(key.getPrivate(), chain)));
    assertCounted("untrusted");
  }

  @Test
  void anExpiredMeshCertificateIsRefusedAndCountedAsExpired() throws Exception {
    // The mesh's own CA, hours ago: a certificate of an hour that has since expired.
    CertificateAuthority past = CertificateAuthority.inDirectory(mesh.caDirectory, SpiffeId.DEFAULT_TRUST_DOMAIN,
        Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)));
    KeyPair key = newKey();
    List<X509Certificate> chain = past.issue(key.getPublic(),
        SpiffeId.ofWorkload("default/client", SpiffeId.DEFAULT_TRUST_DOMAIN), Duration.ofHours(1));
    assertRefused(tls(SslContextBuilder.forClient().keyManager(key.getPrivate(), chain)));
    assertCounted("expired");
  }

  private static KeyPair newKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  /** The sidecar counted a refused certificate for {@code reason}. */
  private void assertCounted(String reason) throws Exception {
    String metrics = get(mesh.sidecars.get(0).adminPort(), AdminPaths.METRICS);
    assertTrue(metrics.lines().anyMatch(line -> line.startsWith("fulcrum_tls_failures_total{")
        && line.contains("direction=\"inbound\"") && line.contains("reason=\"" + reason + "\"") && !line.endsWith(" 0.0")),
        metrics);
  }

  @Test
  void aProxyExpectingAnotherIdentityThereRefusesToCall() throws Exception {
    String seed = Files.readString(mesh.links);
    try {
      assertEquals("v1", echo(mesh.proxyChannel()), "through the proxy while it expects echo-v1");
      mesh.writeLinks(seed.replace("identity: default/echo-v1", "identity: default/someone-else"));
      dev.fulcrum.testing.Await.until(() -> mesh.controlPlane.model().links().get(0).backends().targets().get(0)
          .identity().equals(Optional.of("default/someone-else")), Duration.ofSeconds(10), "the new expectation served");
      // grpc-xds applies a cluster's new TLS expectations to new connections: make one.
      mesh.restartSidecar(1);
      // Once the new expectation applies, calls fail: the server proves echo-v1, not someone-else;
      // and the caller is told so (before, a restarting backend may refuse connections a while).
      AtomicReference<Status> last = new AtomicReference<>();
      try {
        dev.fulcrum.testing.Await.until(() -> {
          try {
            echo(mesh.proxyChannel());
            return false;
          } catch (StatusRuntimeException e) {
            last.set(e.getStatus());
            return toldWrongIdentity(e.getStatus());
          }
        }, Duration.ofSeconds(15), "calls refused for the wrong identity, and the caller told so");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; the last status: " + last.get(), e);
      }
      long before = mesh.echo(1).service().calls();
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> echo(mesh.proxyChannel()));
      assertTrue(toldWrongIdentity(refused.getStatus()), refused.getStatus().toString());
      assertEquals(before, mesh.echo(1).service().calls(), "the application saw no call");
      String metrics = get(mesh.proxy.adminPort(), AdminPaths.METRICS);
      assertTrue(metrics.lines().anyMatch(line ->
          line.startsWith("fulcrum_tls_failures_total{direction=\"outbound\",reason=\"wrong_identity\"}")
              && !line.endsWith(" 0.0")), metrics);
    } finally {
      Files.writeString(mesh.links, seed);
    }
  }

  /** UNAVAILABLE, saying what the backend's certificate failed to prove (the proxy's words, not grpc's "io exception"). */
  private static boolean toldWrongIdentity(Status status) {
    return status.getCode() == Status.Code.UNAVAILABLE && status.getDescription() != null
        && status.getDescription().startsWith(
            "mTLS with the backend failed: its certificate does not prove the expected identity (");
  }

  private static String get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
