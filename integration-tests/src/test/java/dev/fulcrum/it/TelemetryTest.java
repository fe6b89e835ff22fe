package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.stats.BackendStats;
import dev.fulcrum.contract.stats.ProxyStats;
import dev.fulcrum.contract.stats.ServiceStats;
import dev.fulcrum.contract.stats.StatsJson;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The proxy's admin endpoint: metrics per call and per backend, stats, config dump, health. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TelemetryTest {
  private static final String ECHO = "fulcrum.echo.v1.EchoService/Echo";
  private final HttpClient http = HttpClient.newHttpClient();
  private Mesh mesh;
  private Channel channel;

  @BeforeAll
  void start() throws Exception {
    String retrying = Mesh.seedLink().replace("retry-on: [\"cancelled\", \"deadline-exceeded\"]",
        "retry-on: [unavailable]\n    retry-budget: 100%");
    mesh = new Mesh(2, retrying, Optional.of(Mesh.SERVICE));
    channel = mesh.proxyChannel();
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mesh.proxy.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code /metrics} now, for a wait; a proxy that does not answer fails the test. */
  private String metricsNow() {
    try {
      return get("/metrics").body();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("/metrics did not answer", e);
    }
  }

  /** The value of the Prometheus sample whose name and labels match {@code pattern}. */
  private static double sample(String metrics, String pattern) {
    Matcher m = Pattern.compile("(?m)^" + pattern + " ([0-9.eE+-]+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static String backend(Mesh mesh, int i) {
    return "127.0.0.1:" + mesh.echo(i).port();
  }

  @Test
  void everyCallIsCountedByServiceMethodBackendAndCode() throws Exception {
    String before = get("/metrics").body();
    Calls.sequence(channel, 100);
    String metrics = get("/metrics").body();
    double v1 = okCount(metrics, 1) - okCount(before, 1);
    double v2 = okCount(metrics, 2) - okCount(before, 2);
    assertEquals(100, v1 + v2, metrics);
    assertTrue(v1 >= 40 && v2 >= 40, v1 + " / " + v2);
    assertTrue(metrics.contains("fulcrum_requests_seconds_bucket{"), "a latency histogram");
    assertTrue(metrics.contains("fulcrum_active_requests{backend=\"" + backend(mesh, 1) + "\""), metrics);
    assertTrue(sample(metrics, "fulcrum_calls_seconds_count\\{code=\"OK\",direction=\"outbound\",identity=\"\",method=\""
        + ECHO + "\",service=\"" + Mesh.SERVICE + "\",tls=\"false\"\\}") >= 100, metrics);
  }

  private double okCount(String metrics, int backend) {
    return sample(metrics, "fulcrum_requests_seconds_count\\{backend=\"" + backend(mesh, backend)
        + "\",code=\"OK\",direction=\"outbound\",identity=\"\",method=\"" + ECHO + "\",service=\"" + Mesh.SERVICE
        + "\",tls=\"false\"\\}");
  }

  @Test
  void failuresRetriesAndTimeoutsAreCountedApart() throws Exception {
    Calls.sequence(channel, 4);
    mesh.echo(1).service().failEvery(1, Status.Code.UNAVAILABLE);
    try {
      Calls.sequence(channel, 20); // every call meeting v1 is retried on v2
    } finally {
      mesh.echo(1).service().failEvery(0, Status.Code.UNAVAILABLE);
    }
    try {
      EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(100, TimeUnit.MILLISECONDS)
          .echo(EchoRequest.newBuilder().setMessage("slow").setDelayMs(1000).build());
    } catch (StatusRuntimeException expected) {
      assertEquals(Status.Code.DEADLINE_EXCEEDED, expected.getStatus().getCode());
    }
    String labels = "direction=\"outbound\",method=\"" + ECHO + "\",service=\"" + Mesh.SERVICE + "\"";
    // The caller gives up at its deadline; the proxy counts the timeout when its own side of the
    // call ends, a moment later.
    Await.until(() -> sample(metricsNow(), "fulcrum_timeouts_total\\{" + labels + "\\}") == 1,
        Duration.ofSeconds(5), "the timeout counted");
    String metrics = get("/metrics").body();
    assertTrue(sample(metrics, "fulcrum_retries_total\\{" + labels + "\\}") >= 8, metrics);
    assertTrue(sample(metrics, "fulcrum_requests_seconds_count\\{backend=\"" + backend(mesh, 1)
        + "\",code=\"UNAVAILABLE\",direction=\"outbound\",identity=\"\",method=\"" + ECHO + "\",service=\""
        + Mesh.SERVICE + "\",tls=\"false\"\\}") >= 8, metrics);
    assertEquals(1, sample(metrics, "fulcrum_timeouts_total\\{" + labels + "\\}"), metrics);
  }

  @Test
  void statsGiveEachBackendsCallsAndLatency() throws Exception {
    Calls.sequence(channel, 50);
    // Read as the dashboard reads it: through the contract's messages.
    ProxyStats stats = StatsJson.read(get("/stats").body());
    assertEquals(List.of(Mesh.SERVICE), stats.getServicesList().stream().map(ServiceStats::getService).toList(),
        stats.toString());
    for (int i = 1; i <= 2; i++) {
      String backend = backend(mesh, i);
      BackendStats row = stats.getServices(0).getBackendsList().stream()
          .filter(b -> b.getBackend().equals(backend)).findFirst()
          .orElseThrow(() -> new AssertionError("no row for " + backend + " in " + stats));
      assertTrue(row.getRequests() >= 20, row.toString());
      assertEquals(0, row.getFailures(), row.toString());
      assertTrue(row.getP50Ms() > 0 && row.getP50Ms() <= row.getP99Ms(), row.toString());
    }
  }

  @Test
  void theConfigDumpShowsWhatGrpcXdsApplied() throws Exception {
    Calls.sequence(channel, 1);
    HttpResponse<String> dump = get("/config_dump");
    assertEquals(200, dump.statusCode());
    assertTrue(dump.body().contains("\"name\": \"" + Mesh.SERVICE + "\""), dump.body());
    assertTrue(dump.body().contains("envoy.config.cluster.v3.Cluster"), dump.body());
    assertTrue(dump.body().contains("fulcrum.round_robin"), dump.body());
  }

  @Test
  void healthEndpoints() throws Exception {
    assertEquals(200, get("/live").statusCode());
    assertEquals(200, get("/ready").statusCode());
    assertEquals("ready\n", get("/ready").body());
  }
}
