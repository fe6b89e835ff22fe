package dev.fulcrum.controlplane.mesh;

/**
 * A per-method route: calls whose path matches {@code method} ({@code /pkg.Service/Method}, or
 * {@code /pkg.Service/*}) go to its backends under its policy.
 */
public record MethodRoute(String method, Backends backends, RoutePolicy policy) {

  /** {@code /pkg.Service/*}: every method of a service. */
  public boolean wholeService() {
    return method.endsWith("/*");
  }
}
