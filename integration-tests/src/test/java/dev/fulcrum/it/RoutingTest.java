package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.echo.v1.EchoReply;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Per-method routes and weighted targets (canaries), end to end. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingTest {
  private static final String ROUTES = """
      apiVersion: linkerd.io/v1alpha1
      kind: Link
      metadata: {name: routes}
      spec:
        service: {name: routes.test, port: 1}
        target: [{name: 127.0.0.1, port: {v1}}]
        routes:
          - method: /fulcrum.echo.v1.EchoService/Echo
            target: [{name: 127.0.0.1, port: {v2}}]
      ---
      apiVersion: linkerd.io/v1alpha1
      kind: Link
      metadata: {name: wildcard}
      spec:
        service: {name: wildcard.test, port: 1}
        target: [{name: 127.0.0.1, port: {v1}}]
        routes:
          - method: /fulcrum.echo.v1.EchoService/BidiStream
            policy: {request-timeout: 10s}
          - method: /fulcrum.echo.v1.EchoService/*
            target: [{name: 127.0.0.1, port: {v3}}]
      ---
      """;

  private static String canary(int v1, int v2) {
    return """
        apiVersion: linkerd.io/v1alpha1
        kind: Link
        metadata: {name: canary}
        spec:
          service: {name: canary.test, port: 1}
          target:
            - {name: 127.0.0.1, port: {v1}, weight: %d}
            - {name: 127.0.0.1, port: {v2}, weight: %d}
        """.formatted(v1, v2);
  }

  private Mesh mesh;

  @BeforeAll
  void start() throws Exception {
    mesh = new Mesh(3, ROUTES + canary(90, 10), Optional.empty());
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  /** The server that answers the first message of a bidi stream. */
  private static String bidiServer(Channel channel) throws Exception {
    CompletableFuture<String> server = new CompletableFuture<>();
    StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(channel).bidiStream(new StreamObserver<>() {
      @Override
      public void onNext(EchoReply reply) {
        server.complete(reply.getServer());
      }

      @Override
      public void onError(Throwable t) {
        server.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    });
    requests.onNext(EchoRequest.newBuilder().setMessage("hi").build());
    String answer = server.get(10, TimeUnit.SECONDS);
    requests.onCompleted();
    return answer;
  }

  @Test
  void aMethodRouteTakesItsMethodAndTheDefaultTheRest() throws Exception {
    Channel channel = mesh.proxyChannel("routes.test:1");
    assertEquals(List.of("v2", "v2", "v2"), Calls.sequence(channel, 3));
    assertEquals("v1", bidiServer(channel));
  }

  @Test
  void routesAreMatchedInOrderAndAWildcardTakesTheWholeService() throws Exception {
    Channel channel = mesh.proxyChannel("wildcard.test:1");
    assertEquals(List.of("v3", "v3"), Calls.sequence(channel, 2));
    // The BidiStream route comes first; it names no targets, so it keeps the Link's.
    assertEquals("v1", bidiServer(channel));
  }

  @Test
  void aCanarySplitHoldsAndAWeightChangeAppliesAtOnceWithoutFailures() throws Exception {
    Channel channel = mesh.proxyChannel("canary.test:1");
    Map<String, Integer> split = Calls.concurrent(channel, 4, 2500);
    assertEquals(10_000, split.get("v1") + split.get("v2"), split.toString());
    double v2 = split.get("v2") / 10_000.0;
    assertTrue(Math.abs(v2 - 0.10) <= 0.02, "v2 took " + v2 + " of the calls: " + split);

    try (TrafficRecorder traffic = new TrafficRecorder(channel, 4)) {
      Await.until(() -> traffic.calls().size() > 20, Duration.ofSeconds(5), "traffic before the change");
      long responses = mesh.controlPlane.stats().totalResponses();
      mesh.writeLinks(ROUTES + canary(50, 50));
      // "At once": the new weights are sent within a second, and the calls after that follow them.
      Await.until(() -> mesh.controlPlane.stats().totalResponses() > responses, Duration.ofSeconds(1),
          "the new weights sent to the proxy");
      long settled = System.nanoTime();
      Await.until(() -> traffic.callsAfter(settled).size() > 1000, Duration.ofSeconds(10), "traffic after the change");
      List<TrafficRecorder.Call> after = traffic.callsAfter(settled);
      double v2After = after.stream().filter(c -> "v2".equals(c.server())).count() / (double) after.size();
      assertTrue(after.size() > 200 && Math.abs(v2After - 0.5) < 0.1,
          "after the change v2 took " + v2After + " of " + after.size() + " calls");
      assertEquals(List.of(), traffic.failures());
    }
  }
}
