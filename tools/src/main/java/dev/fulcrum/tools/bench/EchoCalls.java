package dev.fulcrum.tools.bench;

import com.google.protobuf.ByteString;
import dev.fulcrum.echo.v1.EchoReply;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;

/**
 * The benchmark's call, started asynchronously: a unary {@code Echo}, or with {@code streamReplies}
 * above zero a {@code ServerStream} answered by that many replies.
 */
final class EchoCalls {
  /** How one call ended: {@code messages} replies received, {@code ok} unless it failed. */
  interface Done {
    void done(boolean ok, int messages);
  }

  private final EchoServiceGrpc.EchoServiceStub stub;
  private final EchoRequest request;
  private final boolean streaming;

  EchoCalls(Channel channel, int payloadBytes, int streamReplies) {
    this.stub = EchoServiceGrpc.newStub(channel);
    this.request = EchoRequest.newBuilder()
        .setMessage("bench")
        .setPayload(ByteString.copyFrom(new byte[payloadBytes]))
        .setCount(streamReplies)
        .build();
    this.streaming = streamReplies > 0;
  }

  void start(Done done) {
    StreamObserver<EchoReply> replies = new StreamObserver<>() {
      int messages;

      @Override
      public void onNext(EchoReply reply) {
        messages++;
      }

      @Override
      public void onError(Throwable t) {
        done.done(false, messages);
      }

      @Override
      public void onCompleted() {
        done.done(true, messages);
      }
    };
    if (streaming) {
      stub.serverStream(request, replies);
    } else {
      stub.echo(request, replies);
    }
  }
}
