package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.controlplane.dashboard.DashboardJson;
import dev.fulcrum.controlplane.dashboard.MeshStats;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The control plane's dashboard while calls flow through a proxy: its JSON, the {@code stat} and
 * {@code config-dump} commands as real processes, and the page in a real (headless) Chromium.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTest {
  private static final Duration QUICK = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newHttpClient();
  private final DashboardJson json = new DashboardJson();
  private final AtomicBoolean sending = new AtomicBoolean(true);
  private final AtomicInteger failedCalls = new AtomicInteger();
  private Mesh mesh;
  private Thread traffic;

  @BeforeAll
  void start() {
    try {
      mesh = new Mesh(2, Mesh.seedLink(), Optional.of(Mesh.SERVICE));
    } catch (Exception e) {
      throw new AssertionError("mesh did not start", e);
    }
    EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(mesh.proxyChannel());
    // A steady ~50 calls/s for the whole class, so rates are never zero.
    traffic = new Thread(() -> {
      while (sending.get()) {
        try {
          stub.withDeadlineAfter(5, TimeUnit.SECONDS).echo(EchoRequest.newBuilder().setMessage("dash").build());
        } catch (StatusRuntimeException e) {
          failedCalls.incrementAndGet();
        }
        try {
          Thread.sleep(20); // paces the load
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "dashboard-test-traffic");
    traffic.start();
  }

  @AfterAll
  void stop() throws InterruptedException {
    sending.set(false);
    traffic.join(10_000);
    mesh.close();
  }

  private int dashboardPort() {
    return mesh.controlPlane.adminPort().getAsInt();
  }

  private String backend(int i) {
    return "127.0.0.1:" + mesh.echo(i).port();
  }

  private MeshStats apiStats() throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + dashboardPort() + "/api/stats")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return json.meshStats(response.body());
  }

  /** The service's rows by backend, once both backends have a rate (two polls with traffic). */
  private Map<String, MeshStats.Backend> awaitBothBackends() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    MeshStats stats;
    while (true) {
      stats = apiStats();
      Map<String, MeshStats.Backend> rows = new TreeMap<>();
      stats.services().stream().filter(s -> s.service().equals(Mesh.SERVICE))
          .flatMap(s -> s.backends().stream()).forEach(b -> rows.put(b.backend(), b));
      if (rows.size() == 2 && rows.values().stream().allMatch(b -> b.rps() > 0)) {
        return rows;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the dashboard never showed both backends with traffic: " + stats);
      }
      Thread.sleep(200); // the poll interval of this wait
    }
  }

  @Test
  void theApiShowsTheProxyAndBothBackendsWithTraffic() throws Exception {
    Map<String, MeshStats.Backend> rows = awaitBothBackends();
    assertEquals(java.util.Set.of(backend(1), backend(2)), rows.keySet());
    for (MeshStats.Backend row : rows.values()) {
      assertTrue(row.requests() > 0 && row.rps() > 0 && row.rps() < 200, row.toString()); // ~25/s each, less on a busy machine
      assertEquals(1.0, row.successRate(), row + ", failed calls: " + failedCalls.get());
      assertEquals(0, row.failures(), row.toString());
      assertTrue(row.p50Ms() > 0 && row.p50Ms() <= row.p99Ms(), row.toString());
      assertEquals(1, row.proxies(), row.toString());
    }
    MeshStats stats = apiStats();
    assertEquals(List.of(new MeshStats.Proxy("it-proxy", "127.0.0.1:" + mesh.proxy.adminPort(), "answering", null)),
        stats.proxies());
  }

  @Test
  void statPrintsARowPerBackend() throws Exception {
    awaitBothBackends();
    Launcher.Result result = Launcher.run(QUICK, "stat", "--control-plane", "127.0.0.1:" + dashboardPort());
    assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
    assertTrue(result.stdout().startsWith("SERVICE"), result.stdout());
    for (int i = 1; i <= 2; i++) {
      Matcher row = Pattern.compile("(?m)^" + Pattern.quote(Mesh.SERVICE) + "\\s+" + Pattern.quote(backend(i))
          + "\\s+([0-9.]+)\\s+(100\\.00%)\\s+[0-9.]+ms\\s+[0-9.]+ms\\s+(\\d+)\\s+plaintext\\s+-$").matcher(result.stdout());
      assertTrue(row.find(), result.stdout());
      assertTrue(Long.parseLong(row.group(3)) > 0, row.group());
    }
    assertTrue(Pattern.compile("(?m)^it-proxy\\s+127\\.0\\.0\\.1:" + mesh.proxy.adminPort() + "\\s+answering$")
        .matcher(result.stdout()).find(), result.stdout());
  }

  @Test
  void configDumpPrintsWhatTheProxyApplied() throws Exception {
    Launcher.Result result = Launcher.run(QUICK, "config-dump", "--proxy", "127.0.0.1:" + mesh.proxy.adminPort());
    assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
    assertTrue(result.stdout().contains("\"name\": \"" + Mesh.SERVICE + "\""), result.stdout());
    assertTrue(result.stdout().contains("envoy.config.listener.v3.Listener"), result.stdout());
    assertTrue(result.stdout().contains("\"clientStatus\": \"ACKED\""), result.stdout());
  }

  @Test
  void aTargetThatDoesNotAnswerGivesOneLineAndExitCode1() throws Exception {
    int nobody = Launcher.freePort();
    assertUnreachable(Launcher.run(QUICK, "stat", "--control-plane", "127.0.0.1:" + nobody), "stat", nobody);
    assertUnreachable(Launcher.run(QUICK, "config-dump", "--proxy", "127.0.0.1:" + nobody), "config-dump", nobody);
  }

  private static void assertUnreachable(Launcher.Result result, String command, int port) {
    assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
    String[] lines = result.stderr().strip().split("\n");
    assertEquals(1, lines.length, "one line, not:\n" + result.stderr());
    assertTrue(lines[0].startsWith("fulcrum " + command + ": ") && lines[0].contains("127.0.0.1:" + port)
        && lines[0].contains("does not answer"), lines[0]);
  }

  @Test
  void theUnknownPathsOfTheDashboardAre404() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + dashboardPort() + "/nothing-here")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, response.statusCode());
  }

  /** The page in headless Chromium: its rendered DOM shows both backends, and a screenshot is kept. */
  @Test
  void thePageRendersBothBackendsInARealBrowser() throws Exception {
    Optional<String> chromium = Chromium.find();
    Prerequisite.require(chromium.isPresent(), "chromium is not installed (apt-get install chromium)");
    awaitBothBackends();
    String url = "http://127.0.0.1:" + dashboardPort() + "/";

    String dom = Chromium.run(chromium.get(), "--virtual-time-budget=5000", "--dump-dom", url);
    for (int i = 1; i <= 2; i++) {
      Matcher row = Pattern.compile("<tr class=\"backend\" data-service=\"" + Pattern.quote(Mesh.SERVICE)
          + "\" data-backend=\"" + Pattern.quote(backend(i)) + "\" data-requests=\"(\\d+)\" data-tls=\"false\" data-identity=\"\">")
          .matcher(dom);
      assertTrue(row.find(), "no row for " + backend(i) + " in:\n" + dom);
      assertTrue(Long.parseLong(row.group(1)) > 0, row.group());
    }
    assertTrue(dom.contains("data-node=\"it-proxy\" data-status=\"answering\""), dom);
    assertTrue(dom.contains("100.00%"), dom);

    Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    Chromium.run(chromium.get(), "--virtual-time-budget=5000", "--window-size=1200,800",
        "--screenshot=" + screenshot, url);
    assertTrue(Files.size(screenshot) > 10_000, "screenshot " + screenshot + " is " + Files.size(screenshot) + " bytes");
  }

  /** The seed's demo, as a user runs it, shows its spread across both echo servers on the dashboard. */
  @Test
  void theDemosDashboardShowsTheSpreadInARealBrowser() throws Exception {
    Optional<String> chromium = Chromium.find();
    Prerequisite.require(chromium.isPresent(), "chromium is not installed (apt-get install chromium)");
    int echo1 = Launcher.freePort();
    int echo2 = Launcher.freePort();
    // The proxy's backends are the echo servers' inbound sidecars, which it reaches over mTLS.
    int inbound1 = Launcher.freePort();
    int inbound2 = Launcher.freePort();
    int admin = Launcher.freePort();
    Path log = Files.createTempFile("demo", ".log");
    Process demo = Launcher.start(log, "demo", "--keep-running", "--echo-ports", echo1 + "," + echo2,
        "--inbound-ports", inbound1 + "," + inbound2,
        "--proxy-port", String.valueOf(Launcher.freePort()), "--xds-port", String.valueOf(Launcher.freePort()),
        "--admin-port", String.valueOf(admin));
    try {
      Await.until(() -> {
        try {
          return Files.readString(log).contains("Everything keeps running");
        } catch (java.io.IOException e) {
          return false;
        }
      }, java.time.Duration.ofSeconds(90), "the demo's 1000 calls");
      String url = "http://127.0.0.1:" + admin + "/";
      long total = 0;
      String dom = "";
      for (int attempt = 0; attempt < 10 && total < 1000; attempt++) { // the first poll may be under way
        dom = Chromium.run(chromium.get(), "--virtual-time-budget=5000", "--dump-dom", url);
        total = 0;
        for (int port : new int[] {inbound1, inbound2}) {
          Matcher row = Pattern.compile("data-backend=\"127\\.0\\.0\\.1:" + port + "\" data-requests=\"(\\d+)\"")
              .matcher(dom);
          total += row.find() ? Long.parseLong(row.group(1)) : 0;
        }
      }
      int[] inbound = {inbound1, inbound2};
      for (int i = 0; i < 2; i++) {
        Matcher row = Pattern.compile("data-backend=\"127\\.0\\.0\\.1:" + inbound[i]
            + "\" data-requests=\"(\\d+)\" data-tls=\"true\" data-identity=\""
            + Pattern.quote("spiffe://cluster.local/ns/default/sa/echo-v" + (i + 1)) + "\"").matcher(dom);
        assertTrue(row.find(), "no mTLS row for port " + inbound[i] + " in:\n" + dom);
        long requests = Long.parseLong(row.group(1));
        assertTrue(requests >= 450 && requests <= 550, inbound[i] + " took " + requests + " of the demo's 1000 calls");
      }
      Path screenshot = Path.of("target", "demo-dashboard.png").toAbsolutePath();
      Files.deleteIfExists(screenshot);
      Chromium.run(chromium.get(), "--virtual-time-budget=5000", "--window-size=1200,800",
          "--screenshot=" + screenshot, url);
      assertTrue(Files.size(screenshot) > 10_000, "screenshot " + screenshot);
    } finally {
      demo.destroy();
      demo.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Headless Chromium from the command line: no driver, no extra dependency. */
  static final class Chromium {
    private Chromium() {}

    static Optional<String> find() {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
          if (Files.isExecutable(Path.of(dir, name))) {
            return Optional.of(Path.of(dir, name).toString());
          }
        }
      }
      return Optional.empty();
    }

    /** Runs Chromium with {@code args} after the flags for a quiet, isolated headless run; its stdout. */
    static String run(String binary, String... args) throws IOException, InterruptedException {
      Path profile = Files.createTempDirectory("fulcrum-chromium");
      List<String> command = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile));
      command.addAll(List.of(args));
      Path out = Files.createTempFile("chromium-out", ".html");
      Path err = Files.createTempFile("chromium-err", ".txt");
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("chromium still running after 90 s: " + command + "\n" + Files.readString(err));
      }
      assertEquals(0, process.exitValue(), "chromium failed: " + command + "\n" + Files.readString(err));
      return Files.readString(out);
    }
  }
}
