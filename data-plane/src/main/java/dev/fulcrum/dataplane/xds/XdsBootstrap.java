package dev.fulcrum.dataplane.xds;

import dev.fulcrum.dataplane.ProxyConfig;
import javax.inject.Inject;

/**
 * Points grpc-xds at the control plane. grpc-xds reads its bootstrap once per JVM, from the system
 * property set here, so this must run before the first {@code xds:} channel is made, and one JVM
 * can serve only one control plane.
 */
public final class XdsBootstrap {
  static final String PROPERTY = "io.grpc.xds.bootstrapConfig";

  private final ProxyConfig config;

  @Inject
  public XdsBootstrap(ProxyConfig config) {
    this.config = config;
  }

  /** The bootstrap JSON for this proxy, whose admin endpoint is on {@code adminPort}. */
  public String json(int adminPort) {
    return """
        {
          "xds_servers": [{
            "server_uri": "%s",
            "channel_creds": [{"type": "insecure"}],
            "server_features": ["xds_v3"]
          }],
          "node": {
            "id": "%s",
            "cluster": "fulcrum-proxy",
            "metadata": {"fulcrum.dev/listen": "%s", "fulcrum.dev/admin": "%s"}
          }
        }
        """.formatted(config.xdsServer(), config.nodeId(),
            config.listenAddress().getHostString() + ":" + config.listenAddress().getPort(),
            config.adminAddress().getHostString() + ":" + adminPort);
  }

  /** Installs the bootstrap; fails if this JVM already uses a different one. */
  public void install(int adminPort) {
    String json = json(adminPort);
    synchronized (System.class) {
      String existing = System.getProperty(PROPERTY);
      if (existing != null && !existing.equals(json)) {
        throw new IllegalStateException(
            "this JVM's grpc-xds is already bootstrapped for another proxy; run each proxy in its own process");
      }
      System.setProperty(PROPERTY, json);
    }
  }
}
