package dev.fulcrum.controlplane.dashboard;

import dev.fulcrum.controlplane.ControlPlaneConfig;
import java.io.IOException;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's dashboard: the poller and the HTTP server, started when the configuration has
 * an admin address. It only reads what proxies report; nothing of the xDS pipeline depends on it.
 */
@Singleton
public final class Dashboard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);

  private final ControlPlaneConfig config;
  private final ProxyStatsCollector collector;
  private final DashboardServer server;
  private boolean started;

  @Inject
  Dashboard(ControlPlaneConfig config, ProxyStatsCollector collector, DashboardServer server) {
    this.config = config;
    this.collector = collector;
    this.server = server;
  }

  /** {@code ready} answers the {@code /ready} probe: whether the control plane serves proxies. */
  public synchronized void start(BooleanSupplier ready) throws IOException {
    if (config.adminAddress().isEmpty()) {
      return;
    }
    server.start(config.adminAddress().get(), ready);
    collector.start();
    started = true;
    log.info("dashboard on http://{}:{}/", config.adminAddress().get().getHostString(), server.port());
  }

  public synchronized OptionalInt port() {
    return started ? OptionalInt.of(server.port()) : OptionalInt.empty();
  }

  @Override
  public synchronized void close() {
    collector.close();
    server.close();
    started = false;
  }
}
