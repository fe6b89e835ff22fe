package dev.fulcrum.it;

import static dev.fulcrum.it.TrafficRecorder.servers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Proxies keep serving their last configuration while the control plane is away. */
class ControlPlaneRestartTest {

  @Test
  void callsKeepFlowingThroughARestartAndTheNewControlPlaneTakesOver() throws Exception {
    try (Mesh mesh = new Mesh(3, Mesh.seedLink(), Optional.of(Mesh.SERVICE));
        TrafficRecorder traffic = new TrafficRecorder(mesh.proxyChannel(), 4)) {
      Await.until(() -> servers(traffic.calls()).equals(Set.of("v1", "v2")), Duration.ofSeconds(10), "traffic");

      long down = System.nanoTime();
      mesh.restartControlPlane(Duration.ofSeconds(2));
      List<TrafficRecorder.Call> duringRestart = traffic.callsAfter(down);
      assertTrue(duringRestart.size() > 20, "calls flowed while the control plane was down: " + duringRestart.size());

      // The proxy reconnects and follows the new control plane's configuration.
      mesh.writeLinks(Mesh.link("my-grpc-service", "grpc-service.default.svc.cluster.local", 50051, "{v3}"));
      Await.until(() -> servers(traffic.callsAfter(System.nanoTime() - 300_000_000L)).equals(Set.of("v3")),
          Duration.ofSeconds(20), "traffic on v3 after the restart");
      assertEquals(List.of(), traffic.failures(), "no call failed");
    }
  }
}
