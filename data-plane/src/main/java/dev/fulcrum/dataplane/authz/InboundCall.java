package dev.fulcrum.dataplane.authz;

import dev.fulcrum.contract.identity.SpiffeId;
import java.util.Optional;

/**
 * What an inbound policy looks at in a call: who called, as its certificate proved (empty for a
 * caller without one, such as a plaintext caller of a permissive inbound side), and the gRPC
 * method's path, {@code /package.Service/Method}, as RBAC's {@code url_path} matches it.
 */
public record InboundCall(Optional<SpiffeId> caller, String path) {

  /** The call to {@code fullMethodName} ({@code package.Service/Method}) by {@code caller}. */
  public static InboundCall of(Optional<SpiffeId> caller, String fullMethodName) {
    return new InboundCall(caller, "/" + fullMethodName);
  }

  /** The caller as a refusal names it: {@code NAMESPACE/SERVICEACCOUNT}, or an unauthenticated caller. */
  public String callerDescription() {
    return caller.map(SpiffeId::workload).orElse("an unauthenticated caller");
  }
}
