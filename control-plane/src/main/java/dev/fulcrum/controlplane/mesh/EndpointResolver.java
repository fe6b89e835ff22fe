package dev.fulcrum.controlplane.mesh;

import java.util.List;

/** Finds the endpoints behind a target: DNS in file mode, EndpointSlices in Kubernetes. */
public interface EndpointResolver {

  /** The endpoints now serving {@code target}; empty if there are none. */
  List<Endpoint> resolve(Target target) throws UnresolvedTargetException;

  /** A target whose endpoints could not be looked up; the message says why. */
  final class UnresolvedTargetException extends Exception {
    public UnresolvedTargetException(String message) {
      super(message);
    }
  }
}
