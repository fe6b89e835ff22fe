package dev.fulcrum.controlplane.mesh;

/** One target of a Link: a name to resolve to endpoints, and the port they serve on. */
public record Target(String name, int port) {

  @Override
  public String toString() {
    return name + ":" + port;
  }
}
