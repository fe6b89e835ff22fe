package dev.fulcrum.controlplane;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where one control plane serves.
 *
 * @param xdsAddress ADS, for proxies and grpc-xds clients
 * @param adminAddress the dashboard ({@code /} and {@code /api/stats}); none for a control plane
 *     embedded in a proxy
 */
public record ControlPlaneConfig(InetSocketAddress xdsAddress, Optional<InetSocketAddress> adminAddress) {

  public static final int DEFAULT_ADMIN_PORT = 9900;

  /** ADS and the dashboard. */
  public static ControlPlaneConfig of(InetSocketAddress xdsAddress, InetSocketAddress adminAddress) {
    return new ControlPlaneConfig(xdsAddress, Optional.of(adminAddress));
  }

  /** ADS only. */
  public static ControlPlaneConfig xdsOnly(InetSocketAddress xdsAddress) {
    return new ControlPlaneConfig(xdsAddress, Optional.empty());
  }
}
