package dev.fulcrum.controlplane;

import dev.fulcrum.controlplane.identity.IdentityConfig;
import dev.fulcrum.controlplane.injection.WebhookConfig;
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
 */
public record ControlPlaneConfig(InetSocketAddress xdsAddress, Optional<InetSocketAddress> adminAddress,
    Optional<WebhookConfig> webhook, Optional<IdentityConfig> identity) {

  public static final int DEFAULT_ADMIN_PORT = 9900;

  /** ADS and the dashboard. */
  public static ControlPlaneConfig of(InetSocketAddress xdsAddress, InetSocketAddress adminAddress) {
    return new ControlPlaneConfig(xdsAddress, Optional.of(adminAddress), Optional.empty(), Optional.empty());
  }

  /** ADS only. */
  public static ControlPlaneConfig xdsOnly(InetSocketAddress xdsAddress) {
    return new ControlPlaneConfig(xdsAddress, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** The same, and the sidecar injection webhook. */
  public ControlPlaneConfig withWebhook(WebhookConfig webhook) {
    return new ControlPlaneConfig(xdsAddress, adminAddress, Optional.of(webhook), identity);
  }

  /** The same, and the identity service. */
  public ControlPlaneConfig withIdentity(IdentityConfig identity) {
    return new ControlPlaneConfig(xdsAddress, adminAddress, webhook, Optional.of(identity));
  }
}
