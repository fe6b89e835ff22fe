package dev.fulcrum.controlplane.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The kubelet's probes on the dashboard's port: /ready follows what it is given, /live always answers. */
class DashboardProbesTest {
  private final DashboardServer server = new DashboardServer(
      new ProxyStatsCollector(new ConnectedProxies()), new StatsAggregator(), new DashboardJson());

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
}
