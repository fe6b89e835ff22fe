package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Certificates of seconds, renewed under steady mTLS traffic: no call fails while every proxy
 * renews its certificate several times over, and once the first certificates have long ended, a
 * new connection (a sidecar restarted) handshakes with the renewed ones.
 */
class RenewalUnderLoadTest {
  private static final Duration LIFETIME = Duration.ofSeconds(6);
  private static final Pattern RENEWED = Pattern.compile("fulcrum_identity_renewals_total\\{result=\"renewed\"\\} (\\S+)");
  private final HttpClient http = HttpClient.newHttpClient();

  private double renewed(int adminPort) {
    try {
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + AdminPaths.METRICS))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      Matcher count = RENEWED.matcher(metrics);
      if (!count.find()) {
        throw new AssertionError("no renewal count in " + metrics);
      }
      return Double.parseDouble(count.group(1));
    } catch (Exception e) {
      throw new AssertionError("the proxy on " + adminPort + " did not answer /metrics", e);
    }
  }

  @Test
  void noCallFailsWhileEveryProxyRenewsAndNewConnectionsUseTheRenewedCertificates() throws Exception {
    try (Mesh mesh = new Mesh(2, Mesh.seedLink(), Optional.of(Mesh.SERVICE), UnaryOperator.identity(),
        Optional.of(new Mesh.Meshed(InboundTls.STRICT, LIFETIME)));
        TrafficRecorder traffic = new TrafficRecorder(mesh.proxyChannel(), 4)) {
      long start = System.nanoTime();
      // Each certificate is renewed at two thirds of its 6 s: three renewals take some 12 s.
      Await.until(() -> renewed(mesh.proxy.adminPort()) >= 4
              && mesh.sidecars.stream().allMatch(sidecar -> renewed(sidecar.adminPort()) >= 4),
          Duration.ofSeconds(40), "every proxy's certificate renewed three times");
      List<TrafficRecorder.Call> calls = traffic.callsAfter(start);
      assertEquals(List.of(), calls.stream().filter(call -> call.failure() != null).toList(), "no failed call");
      assertEquals(Set.of("v1", "v2"), TrafficRecorder.servers(calls));
      assertTrue(calls.size() > 500, calls.size() + " calls");

      // The certificates the connections were made with have ended: a new handshake must use new ones.
      long restarted = mesh.restartSidecar(1);
      Await.until(() -> TrafficRecorder.servers(traffic.callsAfter(restarted)).contains("v1"), Duration.ofSeconds(30),
          "v1 answering again, through its restarted sidecar");
    }
  }
}
