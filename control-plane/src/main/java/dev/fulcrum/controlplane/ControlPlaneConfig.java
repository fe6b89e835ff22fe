package dev.fulcrum.controlplane;

import dev.fulcrum.controlplane.identity.IdentityConfig;
import dev.fulcrum.controlplane.injection.WebhookConfig;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where one control plane serves.
 *
 * @param xdsAddress ADS, for proxies and grpc-xds clients
 * @param adminAddress the dashboard ({@code /} and {@code /api/stats}) and the probes ({@code /ready},
 *     {@code /live}); none for a control plane embedded in a proxy
 * @param webhook the sidecar injection webhook (HTTPS), if it is to serve one
 * @param identity the identity service (beside ADS, on its address), if it is to serve one
 * @param defaultInboundPolicy what a server accepts when no Authorization selects it and the
 *     workload sets no default of its own
 */
public record ControlPlaneConfig(InetSocketAddress xdsAddress, Optional<InetSocketAddress> adminAddress,
    Optional<WebhookConfig> webhook, Optional<IdentityConfig> identity, DefaultInboundPolicy defaultInboundPolicy) {

  public static final int DEFAULT_ADMIN_PORT = 9900;

  /** ADS and the dashboard. */
  public static ControlPlaneConfig of(InetSocketAddress xdsAddress, InetSocketAddress adminAddress) {
    return new ControlPlaneConfig(xdsAddress, Optional.of(adminAddress), Optional.empty(), Optional.empty(), DefaultInboundPolicy.DEFAULT);
  }

  /** ADS only. */
  public static ControlPlaneConfig xdsOnly(InetSocketAddress xdsAddress) {
    return new ControlPlaneConfig(xdsAddress, Optional.empty(), Optional.empty(), Optional.empty(), DefaultInboundPolicy.DEFAULT);
  }

  /** The same, and the sidecar injection webhook. */
  public ControlPlaneConfig withWebhook(WebhookConfig webhook) {
    return new ControlPlaneConfig(xdsAddress, adminAddress, Optional.of(webhook), identity, defaultInboundPolicy);
  }

  /** The same, and the identity service. */
  public ControlPlaneConfig withIdentity(IdentityConfig identity) {
    return new ControlPlaneConfig(xdsAddress, adminAddress, webhook, Optional.of(identity), defaultInboundPolicy);
  }

  /** The same, with another default for servers no Authorization selects. */
  public ControlPlaneConfig withDefaultInboundPolicy(DefaultInboundPolicy policy) {
    return new ControlPlaneConfig(xdsAddress, adminAddress, webhook, identity, policy);
  }
}
