package dev.fulcrum.dataplane.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.stats.StatsJson;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.telemetry.ProxyTelemetry;
import dev.fulcrum.dataplane.telemetry.StatsReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's admin endpoint (loopback by default): {@code /metrics} (Prometheus text),
 * {@code /stats} (per-backend JSON for the dashboard), {@code /config_dump} (the xDS configuration
 * grpc-xds has applied), {@code /ready} and {@code /live}.
 */
@Singleton
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  private final ProxyConfig config;
  private final ProxyTelemetry telemetry;
  private final StatsReport stats;
  private final Readiness readiness;
  private HttpServer server;
  private XdsConfigDump configDump;

  @Inject
  AdminServer(ProxyConfig config, ProxyTelemetry telemetry, StatsReport stats, Readiness readiness) {
    this.config = config;
    this.telemetry = telemetry;
    this.stats = stats;
    this.readiness = readiness;
  }

  public void start() throws IOException {
    configDump = new XdsConfigDump();
    server = HttpServer.create(config.adminAddress(), 16);
    route(AdminPaths.METRICS, "text/plain; version=0.0.4; charset=utf-8", () -> telemetry.registry().scrape());
    route(AdminPaths.STATS, "application/json", () -> StatsJson.write(stats.stats()));
    route(AdminPaths.CONFIG_DUMP, "application/json", configDump::json);
    server.createContext(AdminPaths.LIVE, exchange -> respond(exchange, 200, "text/plain", "live\n"));
    server.createContext(AdminPaths.READY, exchange -> {
      boolean isReady = readiness.ready(configDump::status);
      respond(exchange, isReady ? 200 : 503, "text/plain", isReady ? "ready\n" : "not ready\n");
    });
    server.start();
  }

  private void route(String path, String contentType, Callable<String> body) {
    server.createContext(path, exchange -> {
      try {
        respond(exchange, 200, contentType, body.call());
      } catch (Exception e) {
        log.warn("admin {} failed", path, e);
        respond(exchange, 500, "text/plain", "fulcrum admin: " + path + ": " + e + "\n");
      }
    });
  }

  private static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The port served on (the one chosen by the system when configured as 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    if (configDump != null) {
      configDump.close();
    }
  }
}
