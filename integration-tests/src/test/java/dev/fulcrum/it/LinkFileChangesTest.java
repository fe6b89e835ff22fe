package dev.fulcrum.it;

import static dev.fulcrum.it.TrafficRecorder.servers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.controlplane.xds.XdsType;
import dev.fulcrum.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Editing the Links file moves traffic at once and fails no call; a bad edit is reported and
 * changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinkFileChangesTest {
  private Mesh mesh;
  private TrafficRecorder traffic;

  @BeforeAll
  void start() throws Exception {
    mesh = new Mesh(3, Mesh.seedLink(), Optional.of(Mesh.SERVICE));
    traffic = new TrafficRecorder(mesh.proxyChannel(), 4);
    Await.until(() -> servers(traffic.calls()).equals(Set.of("v1", "v2")), Duration.ofSeconds(10), "traffic on v1 and v2");
  }

  @AfterAll
  void stop() throws Exception {
    traffic.close();
    assertEquals(List.of(), traffic.failures(), "no call may fail while Links change");
    mesh.close();
  }

  @Test
  void movingTheTargetsMovesTrafficWithinOneSecondWithoutFailures() throws Exception {
    moveTo(Set.of("v3"), "{v3}");
    moveTo(Set.of("v1", "v2"), "{v1}", "{v2}");
  }

  @Test
  void anInvalidEditIsReportedAndTheLastGoodConfigurationKeepsServing() throws Exception {
    moveTo(Set.of("v1", "v2"), "{v1}", "{v2}");
    long responsesBefore = mesh.controlPlane.stats().totalResponses();
    mesh.writeLinks(Mesh.seedLink().replace("{v2}", "{v3}").replace("round-robin", "fastest"));
    Await.until(() -> mesh.controlPlane.model().errors().stream().anyMatch(e -> e.contains("spec.strategy")),
        Duration.ofSeconds(2), "the bad strategy reported");
    String error = mesh.controlPlane.model().errors().get(0);
    assertTrue(error.contains("links.yaml#1") && error.contains("'fastest'"), error);
    long afterEdit = System.nanoTime();
    awaitCallsAfter(afterEdit);
    assertEquals(Set.of("v1", "v2"), servers(traffic.callsAfter(afterEdit)), "still the last good targets");
    assertEquals(responsesBefore, mesh.controlPlane.stats().totalResponses(), "nothing was sent to the proxy");

    mesh.writeLinks("apiVersion: linkerd.io/v1alpha1\nkind: Link\nmetadata: {name: [oops\n");
    Await.until(() -> mesh.controlPlane.model().errors().stream().anyMatch(e -> e.contains("links.yaml#1")
        && !e.contains("spec.strategy")), Duration.ofSeconds(2), "the syntax error reported");
    long afterSyntaxError = System.nanoTime();
    awaitCallsAfter(afterSyntaxError);
    assertEquals(Set.of("v1", "v2"), servers(traffic.callsAfter(afterSyntaxError)), "still the last good targets");
    assertEquals(1, mesh.controlPlane.model().links().size());

    moveTo(Set.of("v3"), "{v3}");
  }

  @Test
  void anEndpointChangeResendsOnlyEndpoints() throws Exception {
    moveTo(Set.of("v1", "v2"), "{v1}", "{v2}");
    long listeners = mesh.controlPlane.stats().responses(XdsType.LISTENER);
    long routes = mesh.controlPlane.stats().responses(XdsType.ROUTE);
    long clusters = mesh.controlPlane.stats().responses(XdsType.CLUSTER);
    long endpoints = mesh.controlPlane.stats().responses(XdsType.ENDPOINT);
    moveTo(Set.of("v2", "v3"), "{v2}", "{v3}");
    assertEquals(listeners, mesh.controlPlane.stats().responses(XdsType.LISTENER));
    assertEquals(routes, mesh.controlPlane.stats().responses(XdsType.ROUTE));
    assertEquals(clusters, mesh.controlPlane.stats().responses(XdsType.CLUSTER));
    assertEquals(endpoints + 1, mesh.controlPlane.stats().responses(XdsType.ENDPOINT));
  }

  /** Waits for a few hundred calls after {@code nanos}: enough traffic to see a change, had one been served. */
  private void awaitCallsAfter(long nanos) throws InterruptedException {
    Await.until(() -> traffic.callsAfter(nanos).size() > 300, Duration.ofSeconds(10), "traffic after the edit");
  }

  /** Points the seed Link at {@code targets} and checks that traffic follows within one second. */
  private void moveTo(Set<String> servers, String... targets) throws Exception {
    if (servers(traffic.callsAfter(System.nanoTime() - 200_000_000L)).equals(servers)) {
      return;
    }
    long written = System.nanoTime();
    mesh.writeLinks(Mesh.link("my-grpc-service", "grpc-service.default.svc.cluster.local", 50051, targets));
    traffic.expectOnly(servers, written, Duration.ofSeconds(1));
  }
}
