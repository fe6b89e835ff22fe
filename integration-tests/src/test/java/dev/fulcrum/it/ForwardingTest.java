package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fulcrum.echo.v1.EchoReply;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import dev.fulcrum.tools.echo.EchoServer;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Any gRPC call passes through the proxy unchanged, and unary calls spread across the backends. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardingTest {
  Mesh mesh;
  private ManagedChannel channel;
  private EchoServiceGrpc.EchoServiceBlockingStub blocking;
  private EchoServiceGrpc.EchoServiceStub async;

  @BeforeAll
  void start() throws Exception {
    mesh = newMesh();
    channel = mesh.proxyChannel();
    blocking = EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    async = EchoServiceGrpc.newStub(channel);
  }

  /** The seed's Link over two echo servers, and a proxy sending every call to its service. */
  Mesh newMesh() throws Exception {
    return new Mesh(2, Mesh.seedLink(), Optional.of(Mesh.SERVICE));
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private static EchoRequest request(String message) {
    return EchoRequest.newBuilder().setMessage(message).build();
  }

  @Test
  void thousandCallsSpreadEvenlyAsCountedByTheServers() {
    long before1 = mesh.echo(1).service().calls();
    long before2 = mesh.echo(2).service().calls();
    for (int i = 0; i < 1000; i++) {
      blocking.echo(request("call " + i));
    }
    long calls1 = mesh.echo(1).service().calls() - before1;
    long calls2 = mesh.echo(2).service().calls() - before2;
    assertEquals(1000, calls1 + calls2);
    assertTrue(calls1 >= 450 && calls1 <= 550, "v1 took " + calls1 + " of 1000");
    assertTrue(calls2 >= 450 && calls2 <= 550, "v2 took " + calls2 + " of 1000");
  }

  @Test
  void serverStreamingPassesEveryMessageInOrder() {
    Iterator<EchoReply> replies = blocking.serverStream(request("s").toBuilder().setCount(50).build());
    int index = 0;
    while (replies.hasNext()) {
      EchoReply reply = replies.next();
      assertEquals(index++, reply.getIndex());
      assertEquals("s", reply.getMessage());
    }
    assertEquals(50, index);
  }

  @Test
  void clientStreamingPassesEveryMessage() throws Exception {
    CompletableFuture<EchoReply> result = new CompletableFuture<>();
    StreamObserver<EchoRequest> requests = async.clientStream(observer(result));
    for (int i = 0; i < 20; i++) {
      requests.onNext(request("m" + i));
    }
    requests.onCompleted();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("m" + i);
    }
    assertEquals(String.join(",", expected), result.get(10, TimeUnit.SECONDS).getMessage());
  }

  @Test
  void bidiStreamingAnswersEachMessageAsItArrives() throws Exception {
    LinkedBlockingQueue<EchoReply> replies = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> requests = async.bidiStream(new StreamObserver<>() {
      @Override
      public void onNext(EchoReply reply) {
        replies.add(reply);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    });
    for (int i = 0; i < 10; i++) {
      requests.onNext(request("ping " + i));
      // Each reply arrives before the next request is sent: the stream is live, not buffered.
      EchoReply reply = replies.poll(5, TimeUnit.SECONDS);
      assertEquals("ping " + i, reply.getMessage());
      assertEquals(i, reply.getIndex());
    }
    requests.onCompleted();
    done.get(5, TimeUnit.SECONDS);
  }

  @Test
  void metadataPassesBothWays() {
    Metadata headers = new Metadata();
    Metadata.Key<String> ascii = Metadata.Key.of("x-echo-tenant", Metadata.ASCII_STRING_MARSHALLER);
    Metadata.Key<byte[]> binary = Metadata.Key.of("x-echo-blob-bin", Metadata.BINARY_BYTE_MARSHALLER);
    headers.put(ascii, "acme");
    headers.put(binary, new byte[] {0, 1, 2, (byte) 255});
    AtomicReference<Metadata> responseHeaders = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    EchoReply reply = blocking
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers),
            MetadataUtils.newCaptureMetadataInterceptor(responseHeaders, trailers))
        .echo(request("with headers"));
    assertEquals("acme", responseHeaders.get().get(ascii));
    assertArrayEquals(new byte[] {0, 1, 2, (byte) 255}, responseHeaders.get().get(binary));
    assertEquals(reply.getServer(), trailers.get().get(EchoServer.SERVER_TRAILER));
  }

  @Test
  void errorStatusAndMessagePassUnchanged() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> blocking.echo(request("status:NOT_FOUND no such thing")));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals("no such thing", e.getStatus().getDescription());
    StatusRuntimeException e2 = assertThrows(StatusRuntimeException.class,
        () -> blocking.echo(request("status:PERMISSION_DENIED go away")));
    assertEquals(Status.Code.PERMISSION_DENIED, e2.getStatus().getCode());
    assertEquals("go away", e2.getStatus().getDescription());
  }

  @Test
  void callersDeadlineReachesTheBackend() throws Exception {
    // The Link's own timeout is 5 s: a backend given less than 2 s got the caller's deadline.
    long left = Calls.deadlineAtTheBackend(channel, 2000);
    assertTrue(left > 1000 && left <= 2000, "the backend had " + left + " ms left of the caller's 2000 ms");

    long cancelledBefore = cancellations();
    long start = System.nanoTime();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(300, TimeUnit.MILLISECONDS)
            .echo(request("slow").toBuilder().setDelayMs(3000).build()));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    assertTrue(millis < 2000, "failed after " + millis + " ms, not at the 300 ms deadline");
    // And when the deadline passes, the backend's call ends with it, not left running for 3 s.
    Await.until(() -> cancellations() > cancelledBefore, Duration.ofSeconds(2), "backend call cancelled");
  }

  @Test
  void cancellationReachesTheBackend() throws Exception {
    long cancelledBefore = cancellations();
    ClientCall<EchoRequest, EchoReply> call =
        channel.newCall(EchoServiceGrpc.getBidiStreamMethod(), CallOptions.DEFAULT);
    LinkedBlockingQueue<EchoReply> replies = new LinkedBlockingQueue<>();
    CountDownLatch closed = new CountDownLatch(1);
    AtomicReference<Status> status = new AtomicReference<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(EchoReply message) {
        replies.add(message);
        call.request(1);
      }

      @Override
      public void onClose(Status s, Metadata trailers) {
        status.set(s);
        closed.countDown();
      }
    }, new Metadata());
    call.request(1);
    call.sendMessage(request("before cancel"));
    assertEquals("before cancel", replies.poll(5, TimeUnit.SECONDS).getMessage());
    call.cancel("test cancels", null);
    assertTrue(closed.await(5, TimeUnit.SECONDS));
    assertEquals(Status.Code.CANCELLED, status.get().getCode());
    Await.until(() -> cancellations() > cancelledBefore, Duration.ofSeconds(2), "backend stream cancelled");
  }

  @Test
  void sixteenMebibyteMessagePassesBothWays() {
    byte[] payload = new byte[16 * 1024 * 1024];
    new Random(42).nextBytes(payload);
    EchoReply reply = blocking.echo(request("big").toBuilder().setPayload(ByteString.copyFrom(payload)).build());
    assertEquals(payload.length, reply.getPayload().size());
    assertArrayEquals(payload, reply.getPayload().toByteArray());
  }

  @Test
  void aSlowReaderHoldsBackTheBackendInsteadOfFillingTheProxy() throws Exception {
    // Ask for 200 replies of 1 MiB but read only one: flow control must stop the backend early.
    long sentBefore = mesh.echo(1).service().streamedReplies() + mesh.echo(2).service().streamedReplies();
    ClientCall<EchoRequest, EchoReply> call =
        channel.newCall(EchoServiceGrpc.getServerStreamMethod(), CallOptions.DEFAULT);
    CountDownLatch first = new CountDownLatch(1);
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(EchoReply message) {
        first.countDown();
      }
    }, new Metadata());
    call.request(1);
    call.sendMessage(request("flood").toBuilder()
        .setPayload(ByteString.copyFrom(new byte[1024 * 1024])).setCount(200).build());
    call.halfClose();
    assertTrue(first.await(10, TimeUnit.SECONDS));
    // Deliberately idle: the time a backend not held back by flow control would take to send far more.
    Thread.sleep(1000);
    long sent = mesh.echo(1).service().streamedReplies() + mesh.echo(2).service().streamedReplies() - sentBefore;
    call.cancel("done", null);
    // A few messages fill the HTTP/2 windows on both hops; the rest must wait for the reader.
    assertTrue(sent < 30, "the backend sent " + sent + " of 200 replies to a reader that took one");
  }

  @Test
  void unaryCallsViaFutureStubsRunConcurrently() throws Exception {
    List<com.google.common.util.concurrent.ListenableFuture<EchoReply>> futures = new ArrayList<>();
    EchoServiceGrpc.EchoServiceFutureStub future = EchoServiceGrpc.newFutureStub(channel);
    for (int i = 0; i < 200; i++) {
      futures.add(future.echo(request("f" + i)));
    }
    for (int i = 0; i < 200; i++) {
      assertEquals("f" + i, futures.get(i).get(10, TimeUnit.SECONDS).getMessage());
    }
  }

  private long cancellations() {
    return mesh.echo(1).service().cancellations() + mesh.echo(2).service().cancellations();
  }

  private static <T> StreamObserver<T> observer(CompletableFuture<T> result) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
