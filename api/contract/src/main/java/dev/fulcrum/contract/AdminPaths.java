package dev.fulcrum.contract;

/**
 * What a proxy's admin endpoint serves, where the control plane (dashboard, injected probes) and
 * the CLI look for it.
 */
public final class AdminPaths {
  /** The admin port of a proxy that is not told another. */
  public static final int DEFAULT_PORT = 9990;
  /** Prometheus text. */
  public static final String METRICS = "/metrics";
  /** Per service and backend, as {@link dev.fulcrum.contract.stats.StatsJson}. */
  public static final String STATS = "/stats";
  /** What grpc-xds applied, CSDS JSON. */
  public static final String CONFIG_DUMP = "/config_dump";
  /** 200 once the proxy has its configuration, else 503 (readiness and startup probes). */
  public static final String READY = "/ready";
  /** 200 while the process runs (liveness probe). */
  public static final String LIVE = "/live";

  private AdminPaths() {}
}
