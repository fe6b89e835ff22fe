package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.echo.v1.EchoReply;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A call with oversized metadata fails alone: the other calls on its connection go on. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OversizedMetadataTest {
  private static final Metadata.Key<String> BIG = Metadata.Key.of("x-big", Metadata.ASCII_STRING_MARSHALLER);
  private Mesh mesh;
  private ManagedChannel channel;

  @BeforeAll
  void start() throws Exception {
    mesh = new Mesh(1, Mesh.link("my-grpc-service", "grpc-service.default.svc.cluster.local", 50051, "{v1}"),
        Optional.of(Mesh.SERVICE));
    channel = mesh.proxyChannel();
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private EchoServiceGrpc.EchoServiceBlockingStub withHeader(int bytes) {
    Metadata headers = new Metadata();
    headers.put(BIG, "x".repeat(bytes));
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** A stream open on the same connection, answering each message as it comes. */
  private final class OpenStream implements StreamObserver<EchoReply> {
    final BlockingQueue<EchoReply> replies = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();
    final StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(channel).bidiStream(this);

    String echo(String message) throws InterruptedException {
      requests.onNext(EchoRequest.newBuilder().setMessage(message).build());
      EchoReply reply = replies.poll(10, TimeUnit.SECONDS);
      assertNotEquals(null, reply, "the open stream answered '" + message + "' (closed: " + closed.getNow(null) + ")");
      return reply.getMessage();
    }

    @Override
    public void onNext(EchoReply reply) {
      replies.add(reply);
    }

    @Override
    public void onError(Throwable t) {
      closed.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      closed.complete(Status.OK);
    }
  }

  @Test
  void aTwentyKilobyteHeaderFailsItsCallWithResourceExhaustedAndNothingElse() throws Exception {
    OpenStream stream = new OpenStream();
    assertEquals("before", stream.echo("before"));

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> withHeader(20_000).echo(EchoRequest.newBuilder().setMessage("big").build()));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains("8192"), e.getStatus().getDescription());

    assertEquals("after", stream.echo("after"), "the stream on the same connection goes on");
    assertEquals("small", withHeader(4_000).echo(EchoRequest.newBuilder().setMessage("small").build()).getMessage());
    stream.requests.onCompleted();
    assertEquals(Status.OK, stream.closed.get(10, TimeUnit.SECONDS));
  }
}
