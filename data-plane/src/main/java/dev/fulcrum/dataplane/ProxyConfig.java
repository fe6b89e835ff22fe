package dev.fulcrum.dataplane;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.ProxyFlags;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.authz.InboundListenerName;
import dev.fulcrum.contract.capture.OpaquePorts;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How one proxy runs.
 *
 * @param listenAddress where applications send their calls (loopback by default, like a sidecar)
 * @param xdsServer the control plane's ADS address, {@code host:port}
 * @param service when set, every call goes to this service ({@code name:port}); otherwise each
 *     call goes to the service its {@code :authority} names
 * @param maxMessageBytes the largest message passed through, each way
 * @param nodeId how this proxy introduces itself to the control plane
 * @param adminAddress where the admin endpoint serves metrics, stats, config dump and health
 * @param otlpEndpoint where spans go (OTLP over HTTP, e.g. {@code http://collector:4318/v1/traces});
 *     tracing is off without one
 * @param traceSampling the share of calls that start a trace (0 to 1; 1 by default). A call whose
 *     caller sent a {@code traceparent} follows the caller's decision instead, so that a trace is
 *     whole or absent across every proxy it crosses
 * @param metrics whether calls are measured (on unless turned off, e.g. to measure what it costs)
 * @param outbound whether the outbound side listens (on {@code listenAddress}); a proxy may run
 *     its inbound side only
 * @param identity the workload identity the proxy gets a certificate for, for mTLS
 * @param inbound the inbound side, which takes meshed callers' calls to the application, those
 *     its policy (from the control plane) allows
 * @param capture set when the pod's connections are captured ({@code fulcrum capture install}): the
 *     outbound side then balances captured gRPC to the mesh's services and passes anything else
 *     through to where it was going
 * @param ioThreads network threads, shared by the listening side and every upstream channel (each
 *     connection lives on one); 0 for one per core. One by default, sized for a sidecar: a call
 *     then never changes threads on its way through, which measured both faster and quicker than
 *     one per core on two cores shared with the application (docs/performance.md)
 */
public record ProxyConfig(
    InetSocketAddress listenAddress,
    String xdsServer,
    Optional<String> service,
    int maxMessageBytes,
    String nodeId,
    InetSocketAddress adminAddress,
    Optional<String> otlpEndpoint,
    double traceSampling,
    boolean metrics,
    int ioThreads,
    boolean outbound,
    Optional<Identity> identity,
    Optional<Inbound> inbound,
    Optional<Capture> capture) {

  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
  public static final int DEFAULT_IO_THREADS = 1;

  /**
   * The proxy's identity: {@code workload} is NAMESPACE/SERVICEACCOUNT; its key and certificate
   * files go in {@code dir} (a fresh private directory on a tmpfs when none is given), and in
   * Kubernetes {@code tokenFile} proves it.
   */
  public record Identity(String workload, Optional<Path> dir, Optional<Path> tokenFile) {}

  /**
   * The inbound side: listens on {@code address} in {@code tls} mode and forwards each call to the
   * application on 127.0.0.1:{@code appPort}, as far as the control plane's policy allows it;
   * {@code defaultPolicy}, when set, is what the control plane applies to this workload when no
   * Authorization selects it (else its own default).
   */
  public record Inbound(InetSocketAddress address, int appPort, InboundTls tls, Optional<DefaultInboundPolicy> defaultPolicy) {
    /** With the control plane's default policy. */
    public Inbound(InetSocketAddress address, int appPort, InboundTls tls) {
      this(address, appPort, tls, Optional.empty());
    }
  }

  /** Captured connections to {@code opaquePorts} are passed through unread. */
  public record Capture(OpaquePorts opaquePorts) {}

  public ProxyConfig {
    if (capture.isPresent() && !outbound) {
      throw new IllegalArgumentException("capture: captured connections arrive on the outbound side, which this proxy has not");
    }
    if (inbound.isPresent() && identity.isEmpty()) {
      throw new IllegalArgumentException("inbound: the inbound side terminates mTLS, so it needs an identity");
    }
    if (!outbound && inbound.isEmpty()) {
      throw new IllegalArgumentException("outbound: a proxy with no inbound side needs its outbound side");
    }
    if (ioThreads < 0) {
      throw new IllegalArgumentException("ioThreads: " + ioThreads + " is below 0");
    }
    if (!ProxyFlags.isTraceSampling(traceSampling)) {
      throw new IllegalArgumentException("traceSampling: " + traceSampling + " is not between 0 and 1");
    }
  }

  /**
   * The inbound Listener this proxy asks the control plane for, whose RBAC is its policy: it names
   * the application's port, the workload's identity and its own default, if any.
   */
  public String inboundListenerName() {
    Inbound side = inbound.orElseThrow(() -> new IllegalStateException("this proxy has no inbound side"));
    return new InboundListenerName("0.0.0.0:" + side.appPort(), identity.map(Identity::workload), side.defaultPolicy())
        .toString();
  }

  /** The network threads to start: as configured, else one per core. */
  public int ioThreadCount() {
    return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
  }

  /** A proxy on loopback with defaults for the rest (any free admin port): for tests and embedding. */
  public static ProxyConfig local(int listenPort, String xdsServer, Optional<String> service, String nodeId) {
    return new ProxyConfig(new InetSocketAddress("127.0.0.1", listenPort), xdsServer, service,
        DEFAULT_MAX_MESSAGE_BYTES, nodeId, new InetSocketAddress("127.0.0.1", 0), Optional.empty(), ProxyFlags.DEFAULT_TRACE_SAMPLING,
        true, DEFAULT_IO_THREADS, true, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** The same proxy, exporting spans to {@code endpoint}. */
  public ProxyConfig withOtlpEndpoint(String endpoint) {
    return new ProxyConfig(listenAddress, xdsServer, service, maxMessageBytes, nodeId, adminAddress,
        Optional.of(endpoint), traceSampling, metrics, ioThreads, outbound, identity, inbound, capture);
  }

  /** The same proxy, with this identity. */
  public ProxyConfig withIdentity(Identity identity) {
    return new ProxyConfig(listenAddress, xdsServer, service, maxMessageBytes, nodeId, adminAddress,
        otlpEndpoint, traceSampling, metrics, ioThreads, outbound, Optional.of(identity), inbound, capture);
  }

  /** The same proxy, with this inbound side; {@code outbound} says whether it keeps its outbound side. */
  public ProxyConfig withInbound(Inbound inbound, boolean outbound) {
    return new ProxyConfig(listenAddress, xdsServer, service, maxMessageBytes, nodeId, adminAddress,
        otlpEndpoint, traceSampling, metrics, ioThreads, outbound, identity, Optional.of(inbound), capture);
  }

  /** The same proxy, its pod's connections captured. */
  public ProxyConfig withCapture(Capture capture) {
    return new ProxyConfig(listenAddress, xdsServer, service, maxMessageBytes, nodeId, adminAddress,
        otlpEndpoint, traceSampling, metrics, ioThreads, outbound, identity, inbound, Optional.of(capture));
  }
}
