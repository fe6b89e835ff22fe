package dev.fulcrum.dataplane.authz;

import dev.fulcrum.dataplane.xds.RefusedResponseException;

/**
 * A policy the sidecar cannot enforce as written, its message naming the field and why (what a
 * NACK tells the control plane). Never taken as "allow": the last good policy stays in force.
 */
public final class InvalidPolicyException extends RefusedResponseException {
  public InvalidPolicyException(String field, String problem) {
    super(field + ": " + problem);
  }
}
