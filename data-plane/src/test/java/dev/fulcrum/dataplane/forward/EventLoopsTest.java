package dev.fulcrum.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fulcrum.dataplane.ProxyConfig;
import io.grpc.CallOptions;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.util.MutableHandlerRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopsTest {
  private static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("test.Echo/Echo")
      .setRequestMarshaller(RequestMarshaller.INSTANCE)
      .setResponseMarshaller(RequestMarshaller.INSTANCE)
      .build();

  @Test
  void withOneThreadTheServerAndItsChannelsShareIt() throws Exception {
    CompletableFuture<String> serverThread = new CompletableFuture<>();
    CompletableFuture<String> clientThread = new CompletableFuture<>();
    try (EventLoops loops = new EventLoops(config(1))) {
      MutableHandlerRegistry registry = new MutableHandlerRegistry();
      registry.addService(ServerServiceDefinition.builder("test.Echo")
          .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
            serverThread.complete(Thread.currentThread().getName());
            response.onNext(request);
            response.onCompleted();
          }))
          .build());
      Server server = loops.forwardingServer(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create(),
          registry, 1024).build().start();
      ManagedChannel channel = loops.channel("127.0.0.1:" + server.getPort(), InsecureChannelCredentials.create())
          .directExecutor().build();
      try {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(channel.newCall(ECHO, CallOptions.DEFAULT), new byte[] {1, 2, 3},
            new io.grpc.stub.StreamObserver<>() {
              @Override
              public void onNext(byte[] value) {
                clientThread.complete(Thread.currentThread().getName());
                reply.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                reply.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
        assertArrayEquals(new byte[] {1, 2, 3}, reply.get(10, TimeUnit.SECONDS));
        // The call arrived and its answer came back on the one network thread: no hand-off.
        assertEquals(serverThread.get(), clientThread.get());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void zeroThreadsMeansOnePerCoreAndBelowZeroIsRefused() {
    assertEquals(Runtime.getRuntime().availableProcessors(), config(0).ioThreadCount());
    assertEquals(3, config(3).ioThreadCount());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config(-1));
    assertEquals("ioThreads: -1 is below 0", e.getMessage());
  }

  private static ProxyConfig config(int ioThreads) {
    ProxyConfig local = ProxyConfig.local(0, "127.0.0.1:1", Optional.empty(), "test");
    return new ProxyConfig(local.listenAddress(), local.xdsServer(), local.service(), local.maxMessageBytes(),
        local.nodeId(), local.adminAddress(), local.otlpEndpoint(), local.traceSampling(), local.metrics(), ioThreads,
        true, Optional.empty(), Optional.empty(), Optional.empty());
  }
}
