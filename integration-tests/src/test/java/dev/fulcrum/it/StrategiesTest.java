package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Each strategy, end to end through the proxy: how calls spread over real backends. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrategiesTest {
  private Mesh mesh;

  static String link(String name, String strategy, String... targets) {
    StringBuilder yaml = new StringBuilder("""
        apiVersion: linkerd.io/v1alpha1
        kind: Link
        metadata: {name: %s}
        spec:
          service: {name: %s.test, port: 1}
          strategy: %s
          target:
        """.formatted(name, name, strategy));
    for (String target : targets) {
      yaml.append("    - {name: 127.0.0.1, port: ").append(target).append("}\n");
    }
    return yaml.append("---\n").toString();
  }

  @BeforeAll
  void start() throws Exception {
    mesh = new Mesh(3, link("rr", "round-robin", "{v1}", "{v2}", "{v3}")
        + link("random", "random", "{v1}", "{v2}", "{v3}")
        + link("least", "least-loaded", "{v1}", "{v2}")
        + link("ewma", "peak-ewma", "{v1}", "{v2}")
        + link("rrslow", "round-robin", "{v1}", "{v2}"), Optional.empty());
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  /**
   * A channel to the service with its connections to every backend up (so the rotation is stable)
   * and measured: calls run concurrently, since peak-EWMA gives an endpoint it has not measured yet
   * no traffic while another answers fast and nothing queues.
   */
  private io.grpc.Channel warmChannel(String service, Set<String> backends) throws InterruptedException {
    io.grpc.Channel channel = mesh.proxyChannel(service);
    Await.until(() -> {
      try {
        return Calls.concurrent(channel, 8, 10).keySet().containsAll(backends);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, Duration.ofSeconds(10), "all of " + backends + " answering " + service);
    return channel;
  }

  @Test
  void roundRobinRotatesExactly() throws Exception {
    io.grpc.Channel channel = warmChannel("rr.test:1", Set.of("v1", "v2", "v3"));
    List<String> servers = Calls.sequence(channel, 3000);
    Map<String, Integer> counts = Calls.count(servers);
    for (String server : List.of("v1", "v2", "v3")) {
      assertTrue(Math.abs(counts.get(server) - 1000) <= 1, counts.toString());
    }
    for (int i = 3; i < servers.size(); i++) {
      assertEquals(servers.get(i - 3), servers.get(i), "strict rotation broken at call " + i);
    }
  }

  @Test
  void randomIsUniformAndNotARotation() throws Exception {
    io.grpc.Channel channel = warmChannel("random.test:1", Set.of("v1", "v2", "v3"));
    List<String> servers = Calls.sequence(channel, 3000);
    Map<String, Integer> counts = Calls.count(servers);
    // Binomial(3000, 1/3): sd 25.8; five of them either side.
    for (String server : List.of("v1", "v2", "v3")) {
      assertTrue(Math.abs(counts.get(server) - 1000) <= 130, counts.toString());
    }
    long repeats = 0;
    for (int i = 1; i < servers.size(); i++) {
      repeats += servers.get(i).equals(servers.get(i - 1)) ? 1 : 0;
    }
    // Random repeats the previous backend a third of the time; a rotation never does.
    assertTrue(repeats > 800 && repeats < 1200, repeats + " repeats in 3000 calls");
  }

  @Test
  void leastLoadedAndPeakEwmaSendMostCallsAwayFromASlowBackend() throws Exception {
    io.grpc.Channel least = warmChannel("least.test:1", Set.of("v1", "v2"));
    io.grpc.Channel ewma = warmChannel("ewma.test:1", Set.of("v1", "v2"));
    io.grpc.Channel roundRobin = warmChannel("rrslow.test:1", Set.of("v1", "v2"));
    mesh.echo(1).service().delayEveryCall(20);
    try {
      Map<String, Integer> rr = Calls.concurrent(roundRobin, 8, 50);
      Map<String, Integer> leastLoaded = Calls.concurrent(least, 8, 200);
      Map<String, Integer> peakEwma = Calls.concurrent(ewma, 8, 200);
      // Moving calls away from the slow backend must not fail any: every call answered.
      assertEquals(0, failures(rr), "round-robin " + rr);
      assertEquals(0, failures(leastLoaded), "least-loaded " + leastLoaded);
      assertEquals(0, failures(peakEwma), "peak-ewma " + peakEwma);
      // Round-robin, for contrast, gives the slow backend half.
      assertEquals(200, rr.get("v1"), rr.toString());
      assertTrue(share(leastLoaded, "v1") < 0.2, "least-loaded " + leastLoaded);
      assertTrue(share(peakEwma, "v1") < 0.2, "peak-ewma " + peakEwma);
    } finally {
      mesh.echo(1).service().delayEveryCall(0);
    }
  }

  /** The share of the answered calls that {@code server} answered (failed calls are no one's share). */
  private static double share(Map<String, Integer> counts, String server) {
    int answered = counts.values().stream().mapToInt(Integer::intValue).sum() - failures(counts);
    return (double) counts.getOrDefault(server, 0) / answered;
  }

  private static int failures(Map<String, Integer> counts) {
    return counts.entrySet().stream().filter(e -> e.getKey().startsWith("failed")).mapToInt(Map.Entry::getValue).sum();
  }
}
