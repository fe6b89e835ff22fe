package dev.fulcrum.controlplane.identity;

import dev.fulcrum.contract.identity.CertifyRequest;
import dev.fulcrum.contract.identity.SpiffeId;
import java.net.SocketAddress;

/**
 * Whether a caller may have the identity it asks for: in Kubernetes, what its ServiceAccount token
 * proves ({@link TokenReviews}); in file mode, anything a local caller asks ({@link LocalCallers}).
 */
public interface CallerCheck {

  /**
   * Who the caller is, for the logs (e.g. the pod its token names), if it may be certified as
   * {@code id}; otherwise throws {@link Refused} saying why (PERMISSION_DENIED to the caller), or
   * {@link Unavailable} when the check itself could not be made (UNAVAILABLE: try again).
   */
  String check(CertifyRequest request, SpiffeId id, SocketAddress caller) throws Refused, Unavailable;

  final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  final class Unavailable extends Exception {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
