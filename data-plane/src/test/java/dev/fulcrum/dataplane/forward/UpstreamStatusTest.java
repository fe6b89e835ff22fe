package dev.fulcrum.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.grpc.Status;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

class UpstreamStatusTest {

  @Test
  void aConnectionClosedUnderTheCallIsUnavailable() {
    Status status = UpstreamStatus.forCaller(Status.UNKNOWN.withDescription("channel closed")
        .withCause(new ClosedChannelException()));
    assertEquals(Status.Code.UNAVAILABLE, status.getCode());
    assertEquals("the connection to the backend closed during the call", status.getDescription());
  }

  @Test
  void theBackendsOwnStatusesPassUnchanged() {
    Status unknownFromTheBackend = Status.UNKNOWN.withDescription("application error");
    Status otherIoFailure = Status.UNKNOWN.withCause(new IOException("boom"));
    Status notFound = Status.NOT_FOUND.withCause(new ClosedChannelException());
    assertSame(unknownFromTheBackend, UpstreamStatus.forCaller(unknownFromTheBackend));
    assertSame(otherIoFailure, UpstreamStatus.forCaller(otherIoFailure));
    assertSame(notFound, UpstreamStatus.forCaller(notFound));
    assertSame(Status.OK, UpstreamStatus.forCaller(Status.OK));
  }
}
