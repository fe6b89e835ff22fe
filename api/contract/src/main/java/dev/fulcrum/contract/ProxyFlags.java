package dev.fulcrum.contract;

/**
 * The proxy's command line, as the launcher parses it and the sidecar injector writes it for every
 * injected pod: a flag renamed on one side only would leave every injected proxy unable to start.
 */
public final class ProxyFlags {
  public static final String COMMAND = "proxy";
  public static final String LISTEN_ADDRESS = "--listen-address";
  public static final String LISTEN_PORT = "--listen-port";
  public static final String XDS_SERVER = "--xds-server";
  public static final String SERVICE = "--service";
  public static final String ADMIN_ADDRESS = "--admin-address";
  public static final String ADMIN_PORT = "--admin-port";
  public static final String IO_THREADS = "--io-threads";
  public static final String OTLP_ENDPOINT = "--otlp-endpoint";
  public static final String TRACE_SAMPLING = "--trace-sampling";

  /** Every call that arrives without a trace starts one, unless told otherwise. */
  public static final double DEFAULT_TRACE_SAMPLING = 1.0;

  private ProxyFlags() {}

  /** Whether {@code ratio} is a share of calls, 0 to 1 (NaN is not): what {@link #TRACE_SAMPLING} takes. */
  public static boolean isTraceSampling(double ratio) {
    return ratio >= 0 && ratio <= 1;
  }
}
