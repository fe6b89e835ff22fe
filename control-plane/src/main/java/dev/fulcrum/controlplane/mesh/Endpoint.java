package dev.fulcrum.controlplane.mesh;

import com.google.common.net.HostAndPort;

/**
 * One backend address, and whether it takes new calls.
 *
 * @param health {@link Health#DRAINING} for a backend that is shutting down: sent to clients so
 *     that it gets no new calls while those in flight finish, rather than vanishing abruptly
 */
public record Endpoint(String address, int port, Health health) {

  public enum Health { HEALTHY, DRAINING }

  /** A backend that takes calls. */
  public Endpoint(String address, int port) {
    this(address, port, Health.HEALTHY);
  }

  public boolean healthy() {
    return health == Health.HEALTHY;
  }

  @Override
  public String toString() {
    String socket = HostAndPort.fromParts(address, port).toString(); // [v6]:port
    return healthy() ? socket : socket + " (" + health.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }
}
