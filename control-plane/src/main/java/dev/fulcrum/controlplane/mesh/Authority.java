package dev.fulcrum.controlplane.mesh;

/** A service as clients address it: {@code host:port}, the authority of their calls. */
public record Authority(String host, int port) {

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
