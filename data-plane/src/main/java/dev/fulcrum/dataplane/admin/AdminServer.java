package dev.fulcrum.dataplane.admin;

import com.sun.net.httpserver.HttpServer;
import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.http.HttpEndpoints;
import dev.fulcrum.contract.stats.StatsJson;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.telemetry.ProxyTelemetry;
import dev.fulcrum.dataplane.telemetry.StatsReport;
import java.io.IOException;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The proxy's admin endpoint (loopback by default): {@code /metrics} (Prometheus text),
 * {@code /stats} (per-backend JSON for the dashboard), {@code /config_dump} (the xDS configuration
 * grpc-xds has applied), {@code /ready} and {@code /live}.
 */
@Singleton
public final class AdminServer implements AutoCloseable {

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
    HttpEndpoints.route(server, AdminPaths.METRICS, "text/plain; version=0.0.4; charset=utf-8",
        () -> telemetry.registry().scrape());
    HttpEndpoints.route(server, AdminPaths.STATS, "application/json", () -> StatsJson.write(stats.stats()));
    HttpEndpoints.route(server, AdminPaths.CONFIG_DUMP, "application/json", configDump::json);
    HttpEndpoints.probes(server, () -> readiness.ready(configDump::status));
    server.start();
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
