package dev.fulcrum.dataplane.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.dataplane.authz.Decision;
import dev.fulcrum.dataplane.forward.TestApp;
import dev.fulcrum.dataplane.telemetry.OpaqueTcp;
import dev.fulcrum.dataplane.telemetry.OpaqueTcpProbe;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The inbound side's look at captured connections, on real sockets on loopback: the test says
 * where each was going. Its inbound side here is grpc's plaintext one, serving an echo service.
 */
class InboundDetectionTest {
  private static final int APP_PORT = 50051;
  private static final Decision ALLOWED = new Decision(Decision.Authz.ALLOW, "default:allow");
  private static final Decision REFUSED = new Decision(Decision.Authz.DENY, "default:authenticated");

  private final EventLoopGroup group = new EpollEventLoopGroup(1);
  private final OpaqueTcpProbe opaque = new OpaqueTcpProbe(new SimpleMeterRegistry());
  private final AtomicReference<Optional<InetSocketAddress>> goingTo = new AtomicReference<>(Optional.empty());
  private final AtomicInteger decided = new AtomicInteger();
  private Server inbound;
  private TestApp app;

  private void start(InboundTls mode, Decision connectionDecision) throws IOException {
    InboundDetection detection = new InboundDetection(InternalProtocolNegotiators.serverPlaintext(), APP_PORT, mode,
        () -> {
          decided.incrementAndGet();
          return connectionDecision;
        }, opaque.telemetry(), channel -> goingTo.get());
    app = new TestApp();
    inbound = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InternalNettyServerCredentials.create(detection))
        .bossEventLoopGroup(group).workerEventLoopGroup(group).channelType(EpollServerSocketChannel.class)
        .handshakeTimeout(Long.MAX_VALUE, TimeUnit.MILLISECONDS)
        .addService(ServerInterceptors.intercept(new EchoServiceGrpc.EchoServiceImplBase() {
          @Override
          public void echo(EchoRequest request, io.grpc.stub.StreamObserver<dev.fulcrum.echo.v1.EchoReply> reply) {
            reply.onNext(dev.fulcrum.echo.v1.EchoReply.newBuilder().setServer("inbound side").build());
            reply.onCompleted();
          }
        }))
        .build().start();
  }

  @AfterEach
  void stop() throws Exception {
    inbound.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    app.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private String echo() {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", inbound.getPort()).usePlaintext().build();
    try {
      return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .echo(EchoRequest.getDefaultInstance()).getServer();
    } finally {
      channel.shutdownNow();
    }
  }

  /** What a client of the inbound port reads before the connection ends. */
  private String read() throws IOException {
    try (Socket client = new Socket("127.0.0.1", inbound.getPort())) {
      client.setSoTimeout(10_000);
      return new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /** What a client reads through the inbound port from another port of the application, which says "metrics". */
  private String readFromAnotherPort() throws IOException {
    try (ServerSocket metrics = otherPort("metrics")) {
      goingTo.set(Optional.of(new InetSocketAddress("127.0.0.1", metrics.getLocalPort())));
      return read();
    }
  }

  /** A server on another port of the application that says its name and closes. */
  private static ServerSocket otherPort(String name) throws IOException {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(() -> {
      try (Socket accepted = server.accept()) {
        accepted.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        // the test ended
      }
    });
    thread.setDaemon(true);
    thread.start();
    return server;
  }

  @Test
  void connectionsToTheApplicationsGrpcPortAndDialledOnesMeetTheInboundSide() throws Exception {
    start(InboundTls.PERMISSIVE, REFUSED);
    goingTo.set(Optional.of(new InetSocketAddress("10.0.0.7", APP_PORT)));
    assertEquals("inbound side", echo());
    goingTo.set(Optional.empty());
    assertEquals("inbound side", echo());
    assertEquals(0, decided.get(), "calls are authorized one by one, by the inbound side");
    assertEquals(0, opaque.total());
  }

  @Test
  void anotherPortIsPassedThroughWhenThePolicyLetsUnauthenticatedCallersIn() throws Exception {
    start(InboundTls.PERMISSIVE, ALLOWED);
    assertEquals("metrics", readFromAnotherPort());
    assertEquals(1, decided.get());
    assertEquals(1, opaque.captured(OpaqueTcp.Reason.OTHER_PORT));
  }

  @Test
  void anotherPortIsRefusedWhenThePolicyDoesNot() throws Exception {
    start(InboundTls.PERMISSIVE, REFUSED);
    assertEquals("", readFromAnotherPort());
    assertEquals(1, opaque.captured(OpaqueTcp.Reason.POLICY));
  }

  @Test
  void anotherPortIsRefusedWhenStrictWhateverThePolicy() throws Exception {
    start(InboundTls.STRICT, ALLOWED);
    assertEquals("", readFromAnotherPort());
    assertEquals(0, decided.get());
    assertEquals(1, opaque.captured(OpaqueTcp.Reason.STRICT));
  }
}
