package dev.fulcrum.controlplane.mesh;

import java.util.Optional;

/**
 * One target of a Link: a name to resolve to endpoints, and the port they serve on; with an
 * {@code identity} ({@code NAMESPACE/SERVICEACCOUNT}), a meshed target, reached over mTLS and
 * required to prove that identity.
 */
public record Target(String name, int port, Optional<String> identity) {

  /** A target reached in plaintext. */
  public Target(String name, int port) {
    this(name, port, Optional.empty());
  }

  @Override
  public String toString() {
    return name + ":" + port;
  }
}
