package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.stats.BackendStats;
import dev.fulcrum.contract.stats.ProxyStats;
import dev.fulcrum.contract.stats.StatsJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The forwarding suite again, each call crossing the outbound proxy, mTLS, and the backend's
 * inbound sidecar (strict) before the echo server: unary, the three streaming kinds, metadata,
 * status, deadline, cancellation and 16 MiB pass as they do in plaintext.
 */
class MtlsForwardingTest extends ForwardingTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Override
  Mesh newMesh() throws Exception {
    return new Mesh(2, Mesh.seedLink(), Optional.of(Mesh.SERVICE), UnaryOperator.identity(), Optional.of(Mesh.Meshed.strict()));
  }

  private String get(int adminPort, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void eachBackendWasReachedOverMtlsAndProvedItsIdentity() throws Exception {
    Calls.sequence(mesh.proxyChannel(), 20);
    ProxyStats stats = StatsJson.read(get(mesh.proxy.adminPort(), AdminPaths.STATS));
    List<BackendStats> backends = stats.getServices(0).getBackendsList();
    assertEquals(2, backends.size(), stats.toString());
    for (int i = 1; i <= 2; i++) {
      String address = "127.0.0.1:" + mesh.sidecars.get(i - 1).inboundPort();
      BackendStats row = backends.stream().filter(b -> b.getBackend().equals(address)).findFirst()
          .orElseThrow(() -> new AssertionError("no row for " + address + " in " + stats));
      assertTrue(row.getTls(), row.toString());
      assertEquals("spiffe://cluster.local/ns/default/sa/echo-v" + i, row.getIdentity(), row.toString());
    }
  }

  @Test
  void eachSidecarCountsItsInboundCallsByTheCallersIdentity() throws Exception {
    Calls.sequence(mesh.proxyChannel(), 20);
    for (Mesh.Sidecar sidecar : mesh.sidecars) {
      String metrics = get(sidecar.adminPort(), AdminPaths.METRICS);
      assertTrue(metrics.lines().anyMatch(line -> line.startsWith("fulcrum_calls_seconds_count{")
              && line.contains("direction=\"inbound\"") && line.contains("tls=\"true\"")
              && line.contains("identity=\"spiffe://cluster.local/ns/default/sa/client\"")
              && line.contains("service=\"" + Mesh.SERVICE + "\"")),
          metrics);
    }
  }
}
