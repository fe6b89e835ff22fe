package dev.fulcrum.controlplane.injection;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.ProxyFlags;
import dev.fulcrum.contract.capture.CaptureSettings;
import java.util.Optional;

/**
 * What an injected proxy looks like, the same for every pod: its image, the control plane it
 * subscribes to, and its default ports (a pod's annotations may move the ports, see
 * {@link InjectionPolicy}).
 *
 * @param image the proxy's image; its entrypoint is the {@code fulcrum} launcher
 * @param xdsServer the control plane's ADS address as pods reach it, {@code host:port}
 * @param outboundPort where applications call the proxy, on 127.0.0.1
 * @param adminPort the proxy's admin endpoint, on the pod's IP: probes, and the dashboard's polls
 * @param otlpEndpoint where injected proxies send their spans (their {@code --otlp-endpoint});
 *     tracing is off without one
 * @param traceSampling the share of calls without a trace that start one (their {@code --trace-sampling})
 * @param identity whether the control plane issues identities (it does in Kubernetes, and in file
 *     mode with {@code --identity-dir}): then injected proxies get one, and an inbound side
 * @param inboundTls the inbound side's mode where neither the pod's annotation nor its namespace's
 *     label sets one (the control plane's {@code --default-inbound-tls})
 */
public record SidecarSettings(String image, String xdsServer, int outboundPort, int adminPort,
    Optional<String> otlpEndpoint, double traceSampling, boolean identity, InboundTls inboundTls) {

  /** Injected proxies that trace nothing, with identities, permissive unless told otherwise. */
  public SidecarSettings(String image, String xdsServer, int outboundPort, int adminPort) {
    this(image, xdsServer, outboundPort, adminPort, Optional.empty(), ProxyFlags.DEFAULT_TRACE_SAMPLING, true,
        InboundTls.DEFAULT);
  }

  /** The same, injecting proxies with or without an identity. */
  public SidecarSettings withIdentity(boolean identity) {
    return new SidecarSettings(image, xdsServer, outboundPort, adminPort, otlpEndpoint, traceSampling, identity, inboundTls);
  }

  /** The same, with another default mode for inbound sides. */
  public SidecarSettings withInboundTls(InboundTls inboundTls) {
    return new SidecarSettings(image, xdsServer, outboundPort, adminPort, otlpEndpoint, traceSampling, identity, inboundTls);
  }

  public static final String DEFAULT_IMAGE = "fulcrum/proxy:0.1.0";
  /** The control plane's Service in deploy/control-plane.yaml. */
  public static final String DEFAULT_XDS_SERVER = "fulcrum-control-plane.fulcrum-system.svc:18000";
  /** Where applications dial the proxy, and where the capture sends their connections. */
  public static final int DEFAULT_OUTBOUND_PORT = CaptureSettings.DEFAULT_OUTBOUND_PORT;
  public static final int DEFAULT_ADMIN_PORT = AdminPaths.DEFAULT_PORT;

  public static SidecarSettings defaults() {
    return new SidecarSettings(DEFAULT_IMAGE, DEFAULT_XDS_SERVER, DEFAULT_OUTBOUND_PORT, DEFAULT_ADMIN_PORT);
  }
}
