package dev.fulcrum.dataplane.xds;

/** A response the proxy will not apply: its message is what the NACK tells the control plane. */
public class RefusedResponseException extends Exception {
  public RefusedResponseException(String message) {
    super(message);
  }
}
