package dev.fulcrum.controlplane.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.controlplane.ControlPlaneMetrics;
import dev.fulcrum.controlplane.identity.CertificateAuthority;
import dev.fulcrum.controlplane.identity.CurrentAuthority;
import dev.fulcrum.controlplane.identity.IdentityService;
import dev.fulcrum.controlplane.identity.LocalCallers;
import java.time.Duration;
import java.util.Optional;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's probes on the dashboard's port: /ready follows what it is given, /live always
 * answers; and the control plane's /metrics.
 */
class DashboardProbesTest {
  /** A CA that has refused two versions of its issuer. */
  private final CurrentAuthority twiceRefused = new CurrentAuthority() {
    @Override
    public CertificateAuthority get() {
      return null;
    }

    @Override
    public long rejected() {
      return 2;
    }
  };
  private final DashboardServer server = new DashboardServer(
      new ProxyStatsCollector(new ConnectedProxies()), new StatsAggregator(), new DashboardJson(),
      new ControlPlaneMetrics(Optional.of(new IdentityService(twiceRefused, new LocalCallers(), Duration.ofHours(1)))));

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyFollowsTheControlPlaneAndLiveAlwaysAnswers() throws Exception {
    AtomicBoolean serving = new AtomicBoolean(false);
    server.start(new InetSocketAddress("127.0.0.1", 0), serving::get);
    assertEquals(503, get("/ready").statusCode());
    assertEquals("not ready\n", get("/ready").body());
    assertEquals(200, get("/live").statusCode());
    serving.set(true);
    assertEquals(200, get("/ready").statusCode());
    assertEquals("ready\n", get("/ready").body());
    assertEquals(404, get("/readyz").statusCode());
  }

  @Test
  void metricsCountWhatTheCaRefused() throws Exception {
    server.start(new InetSocketAddress("127.0.0.1", 0), () -> true);
    HttpResponse<String> metrics = get(AdminPaths.METRICS);
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().lines().anyMatch(line -> line.equals("fulcrum_identity_issuer_rejected_total 2.0")),
        metrics.body());
    assertTrue(metrics.body().lines().anyMatch(line -> line.equals("fulcrum_identity_refused_total 0.0")), metrics.body());
  }
}
