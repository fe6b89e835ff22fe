package dev.fulcrum.controlplane.mesh;

/** One backend address that can take calls. */
public record Endpoint(String address, int port) {

  @Override
  public String toString() {
    return address.contains(":") ? "[" + address + "]:" + port : address + ":" + port;
  }
}
