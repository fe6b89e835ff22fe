package dev.fulcrum.controlplane.mesh;

import com.google.common.net.HostAndPort;
import java.util.Optional;

/**
 * One backend address, and whether it takes new calls.
 *
 * @param port the application's port
 * @param health {@link Health#DRAINING} for a backend that is shutting down: sent to clients so
 *     that it gets no new calls while those in flight finish, rather than vanishing abruptly
 * @param inbound for a meshed backend (one with Fulcrum's sidecar), where its inbound side listens
 *     and the identity it proves
 */
public record Endpoint(String address, int port, Health health, Optional<Inbound> inbound) {

  public enum Health { HEALTHY, DRAINING }

  /** A meshed backend's sidecar: its inbound port, and its identity ({@code NAMESPACE/SERVICEACCOUNT}). */
  public record Inbound(int port, String identity) {}

  /** A backend that takes calls. */
  public Endpoint(String address, int port) {
    this(address, port, Health.HEALTHY);
  }

  /** A backend without a sidecar. */
  public Endpoint(String address, int port, Health health) {
    this(address, port, health, Optional.empty());
  }

  public boolean healthy() {
    return health == Health.HEALTHY;
  }

  @Override
  public String toString() {
    String socket = HostAndPort.fromParts(address, port).toString(); // [v6]:port
    String meshed = inbound.map(in -> " (inbound " + in.port() + ", " + in.identity() + ")").orElse("");
    return healthy() ? socket + meshed : socket + meshed + " (" + health.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }
}
