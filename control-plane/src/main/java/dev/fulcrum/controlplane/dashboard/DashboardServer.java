package dev.fulcrum.controlplane.dashboard;

import com.sun.net.httpserver.HttpServer;
import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.http.HttpEndpoints;
import dev.fulcrum.controlplane.ControlPlaneMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The dashboard over HTTP: {@code /} a page that renders {@code /api/stats} every two seconds (no
 * external resources), {@code /api/stats} the mesh's stats as JSON. Answers from memory: it never
 * waits on a proxy. Also the kubelet's probes: {@code /live} (the process answers) and
 * {@code /ready} (it serves proxies), as the proxy's admin endpoint has them; and the control
 * plane's own {@code /metrics} ({@link ControlPlaneMetrics}).
 */
@Singleton
public final class DashboardServer implements AutoCloseable {
  /** The mesh's stats as JSON ({@link MeshStats}), as the page and {@code fulcrum stat} read them. */
  public static final String API_STATS = "/api/stats";

  private final ProxyStatsCollector collector;
  private final StatsAggregator aggregator;
  private final DashboardJson json;
  private final ControlPlaneMetrics metrics;
  private final byte[] page;
  private HttpServer server;

  @Inject
  DashboardServer(ProxyStatsCollector collector, StatsAggregator aggregator, DashboardJson json,
      ControlPlaneMetrics metrics) {
    this.collector = collector;
    this.aggregator = aggregator;
    this.json = json;
    this.metrics = metrics;
    this.page = resource("dashboard.html");
  }

  private static byte[] resource(String name) {
    try (InputStream in = DashboardServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized void start(InetSocketAddress address, BooleanSupplier ready) throws IOException {
    server = HttpServer.create(address, 16);
    HttpEndpoints.probes(server, ready);
    HttpEndpoints.route(server, API_STATS, "application/json", () -> json.write(aggregator.aggregate(collector.polls())));
    HttpEndpoints.route(server, AdminPaths.METRICS, "text/plain; version=0.0.4; charset=utf-8", metrics::scrape);
    // "/" matches every path the others do not: only the page itself is served there.
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/") || path.equals("/index.html")) {
        HttpEndpoints.respond(exchange, 200, "text/html; charset=utf-8", page);
      } else {
        HttpEndpoints.notFound(exchange);
      }
    });
    server.start();
  }

  /** The port served on (the one chosen by the system when configured as 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
    }
  }
}
