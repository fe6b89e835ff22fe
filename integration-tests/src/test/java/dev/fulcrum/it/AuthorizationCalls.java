package dev.fulcrum.it;

import dev.fulcrum.echo.v1.EchoReply;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc.EchoServiceBlockingStub;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/** The calls the authorization tests make, and what they ask of each: answered, or refused as unauthorized. */
final class AuthorizationCalls {
  private AuthorizationCalls() {}

  static EchoRequest request() {
    return EchoRequest.newBuilder().setMessage("authorized?").build();
  }

  /** A unary Echo, within 5 s. */
  static EchoReply echo(EchoServiceBlockingStub stub) {
    return stub.withDeadlineAfter(5, TimeUnit.SECONDS).echo(request());
  }

  /** The first reply of a ServerStream, within 5 s: another method than Echo. */
  static EchoReply serverStream(EchoServiceBlockingStub stub) {
    return stub.withDeadlineAfter(5, TimeUnit.SECONDS).serverStream(request()).next();
  }

  /** Whether an Echo is answered. */
  static boolean answers(EchoServiceBlockingStub stub) {
    try {
      echo(stub);
      return true;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  /** Whether an Echo is refused with PERMISSION_DENIED (any other outcome is not a refusal). */
  static boolean refused(EchoServiceBlockingStub stub) {
    try {
      echo(stub);
      return false;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.PERMISSION_DENIED;
    }
  }
}
