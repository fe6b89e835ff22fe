package dev.fulcrum.dataplane.forward;

import io.grpc.Status;
import java.nio.channels.ClosedChannelException;

/**
 * The status the caller is told when the backend's call ends: the backend's own, except where
 * grpc-java's transport reports a connection that closed under the call as UNKNOWN "channel closed"
 * (grpc/grpc-java#10474, e.g. a backend killed mid-call). The caller sees that as what it is,
 * UNAVAILABLE, a status callers and retry policies treat as retryable.
 */
final class UpstreamStatus {
  private UpstreamStatus() {}

  static Status forCaller(Status status) {
    if (status.getCode() == Status.Code.UNKNOWN && status.getCause() instanceof ClosedChannelException) {
      return Status.UNAVAILABLE.withDescription("the connection to the backend closed during the call")
          .withCause(status.getCause());
    }
    return status;
  }
}
