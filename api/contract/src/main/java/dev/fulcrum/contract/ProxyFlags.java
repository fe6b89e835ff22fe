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
  /** The workload's identity, NAMESPACE/SERVICEACCOUNT: the proxy gets its certificate for it. */
  public static final String IDENTITY = "--identity";
  /** Where the proxy keeps its key and certificate (a tmpfs in a pod). */
  public static final String IDENTITY_DIR = "--identity-dir";
  /** In Kubernetes, the file holding the pod's projected ServiceAccount token. */
  public static final String IDENTITY_TOKEN_FILE = "--identity-token-file";
  /** The inbound side: where meshed callers' calls arrive, over mTLS. */
  public static final String INBOUND_PORT = "--inbound-port";
  /** The application's own port, which the inbound side forwards to on loopback. */
  public static final String APP_PORT = "--app-port";
  /** {@code strict} or {@code permissive}: see {@link InboundTls}. */
  public static final String INBOUND_TLS = "--inbound-tls";
  /**
   * The pod's connections are captured ({@code fulcrum capture install}): the outbound side learns
   * the mesh's service names and tells gRPC to them from anything else, which it passes through.
   */
  public static final String CAPTURED = "--captured";

  /** Linkerd's inbound port, kept so that people and tools coming from it find it where they expect. */
  public static final int DEFAULT_INBOUND_PORT = 4143;

  /** Every call that arrives without a trace starts one, unless told otherwise. */
  public static final double DEFAULT_TRACE_SAMPLING = 1.0;

  private ProxyFlags() {}

  /** Whether {@code ratio} is a share of calls, 0 to 1 (NaN is not): what {@link #TRACE_SAMPLING} takes. */
  public static boolean isTraceSampling(double ratio) {
    return ratio >= 0 && ratio <= 1;
  }
}
