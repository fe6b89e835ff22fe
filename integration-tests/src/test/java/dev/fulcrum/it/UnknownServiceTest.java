package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A proxy that routes by :authority: known services are reached, unknown ones fail fast. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnknownServiceTest {
  private Mesh mesh;

  @BeforeAll
  void start() throws Exception {
    mesh = new Mesh(2, Mesh.seedLink() + "---\n" + Mesh.link("other", "other.default", 9000, "{v2}"), Optional.empty());
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private static String call(io.grpc.Channel channel) {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage("hi").build()).getServer();
  }

  @Test
  void eachCallGoesToTheServiceItsAuthorityNames() {
    assertEquals("v2", call(mesh.proxyChannel("other.default:9000")));
    String first = call(mesh.proxyChannel(Mesh.SERVICE));
    assertTrue(first.equals("v1") || first.equals("v2"), first);
  }

  @Test
  void anUnknownServiceFailsFastWithUnavailableNamingIt() {
    var channel = mesh.proxyChannel("nobody.default.svc.cluster.local:4242");
    for (int attempt = 0; attempt < 2; attempt++) { // the first call subscribes, the second is cached
      long start = System.nanoTime();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(channel));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
      assertTrue(e.getStatus().getDescription().contains("nobody.default.svc.cluster.local:4242"),
          e.getStatus().getDescription());
      assertTrue(millis < 1000, "failed after " + millis + " ms");
    }
  }

  @Test
  void aDeletedLinkFailsFast() throws Exception {
    var channel = mesh.proxyChannel("other.default:9000");
    assertEquals("v2", call(channel));
    mesh.writeLinks(Mesh.seedLink());
    Await.until(() -> mesh.controlPlane.model().links().size() == 1, Duration.ofSeconds(2), "Link removed");
    long start = System.nanoTime();
    Await.until(() -> {
      try {
        call(channel);
        return false;
      } catch (StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.UNAVAILABLE;
      }
    }, Duration.ofSeconds(2), "calls to the deleted Link's service fail");
    assertTrue((System.nanoTime() - start) / 1_000_000 < 1000);
  }
}
