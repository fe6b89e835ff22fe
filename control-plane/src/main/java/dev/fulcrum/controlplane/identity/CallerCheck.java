package dev.fulcrum.controlplane.identity;

import dev.fulcrum.contract.identity.CertifyRequest;
import dev.fulcrum.contract.identity.SpiffeId;
import java.net.SocketAddress;

/**
 * Whether a caller may have the identity it asks for: in Kubernetes, what its ServiceAccount token
 * proves; in file mode, anything a local caller asks.
 */
public interface CallerCheck {

  /**
   * Nothing if {@code caller} may be certified as {@code id}; otherwise throws, saying why (the
   * caller is refused PERMISSION_DENIED).
   */
  void check(CertifyRequest request, SpiffeId id, SocketAddress caller) throws Refused;

  /** A word for logs: who the check says the caller is, e.g. the pod its token names. */
  default String describe(CertifyRequest request, SocketAddress caller) {
    return String.valueOf(caller);
  }

  final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }
}
