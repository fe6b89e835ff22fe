package dev.fulcrum.dataplane.forward;

import dev.fulcrum.echo.v1.EchoReply;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The application behind an inbound side, on loopback: an echo server that records each call it sees. */
public final class TestApp implements AutoCloseable {
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final Server server;

  public TestApp() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
        .addService(new EchoServiceGrpc.EchoServiceImplBase() {
          @Override
          public void echo(EchoRequest request, StreamObserver<EchoReply> reply) {
            seen.add("Echo " + request.getMessage());
            reply.onNext(EchoReply.newBuilder().setMessage(request.getMessage()).setServer("app").build());
            reply.onCompleted();
          }

          @Override
          public void serverStream(EchoRequest request, StreamObserver<EchoReply> reply) {
            seen.add("ServerStream " + request.getMessage());
            for (int i = 0; i < Math.max(1, request.getCount()); i++) {
              reply.onNext(EchoReply.newBuilder().setMessage(request.getMessage()).setServer("app").setIndex(i).build());
            }
            reply.onCompleted();
          }
        })
        .build()
        .start();
  }

  public int port() {
    return server.getPort();
  }

  /** The calls the application received, "METHOD MESSAGE", in order. */
  public List<String> seen() {
    return List.copyOf(seen);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
