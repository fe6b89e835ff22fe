package dev.fulcrum.dataplane.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import dev.fulcrum.contract.capture.OpaquePorts;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.forward.TestApp;
import dev.fulcrum.dataplane.telemetry.OpaqueTcp;
import dev.fulcrum.dataplane.telemetry.OpaqueTcpProbe;
import dev.fulcrum.dataplane.xds.ControlPlaneChannel;
import dev.fulcrum.dataplane.xds.XdsBootstrap;
import dev.fulcrum.echo.v1.EchoReply;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbound port's detection, on real sockets on loopback: the test says where each connection
 * was going (iptables and SO_ORIGINAL_DST are CaptureProxyTest's, in network namespaces).
 */
class OutboundDetectionTest {
  private static final String MESH_SERVICE = "grpc-service.default.svc.cluster.local:50051";
  private static final Duration CLIENT_SPEAKS_WITHIN = Duration.ofMillis(300);

  private final EventLoopGroup group = new EpollEventLoopGroup(1);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final OpaqueTcpProbe opaque = new OpaqueTcpProbe(registry);
  private final AtomicReference<Optional<InetSocketAddress>> goingTo = new AtomicReference<>(Optional.empty());
  private final AtomicReference<InetSocketAddress> seenByProxy = new AtomicReference<>();
  private ControlPlaneChannel controlPlane;
  private Server proxy;
  private TestApp app;
  /** A server that speaks first, on a port declared opaque. */
  private Greeter opaqueGreeter;

  @BeforeEach
  void start() throws Exception {
    opaqueGreeter = new Greeter();
    ProxyConfig config = ProxyConfig.local(0, "127.0.0.1:1", Optional.empty(), "test");
    controlPlane = new ControlPlaneChannel(config); // never used: the names are applied by hand
    MeshServices services = new MeshServices(controlPlane, new XdsBootstrap(config, Optional.empty()));
    services.apply("1", List.of(Any.pack(Listener.newBuilder().setName(MESH_SERVICE).build())));
    OutboundDetection detection = new OutboundDetection(services, OpaquePorts.parse(String.valueOf(opaqueGreeter.port())), opaque.telemetry(),
        CLIENT_SPEAKS_WITHIN, channel -> goingTo.get());
    ServerInterceptor recordDestination = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        seenByProxy.set(call.getAttributes().get(OutboundDetection.ORIGINAL_DESTINATION));
        return next.startCall(call, headers);
      }
    };
    proxy = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InternalNettyServerCredentials.create(detection))
        .bossEventLoopGroup(group).workerEventLoopGroup(group).channelType(EpollServerSocketChannel.class)
        .handshakeTimeout(Long.MAX_VALUE, TimeUnit.MILLISECONDS)
        .addService(ServerInterceptors.intercept(new EchoServiceGrpc.EchoServiceImplBase() {
          @Override
          public void echo(EchoRequest request, StreamObserver<EchoReply> reply) {
            reply.onNext(EchoReply.newBuilder().setMessage(request.getMessage()).setServer("proxy").build());
            reply.onCompleted();
          }
        }, recordDestination))
        .build().start();
    app = new TestApp();
  }

  @AfterEach
  void stop() throws Exception {
    proxy.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    app.close();
    opaqueGreeter.close();
    controlPlane.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private ManagedChannel channel(String authority) {
    return NettyChannelBuilder.forAddress("127.0.0.1", proxy.getPort()).usePlaintext().overrideAuthority(authority).build();
  }

  private static String echo(ManagedChannel channel, String message) {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage(message).build()).getServer();
  }

  @Test
  void gRpcToAServiceOfTheMeshIsTheProxysWithWhereItWasGoing() {
    InetSocketAddress destination = new InetSocketAddress("10.96.0.10", 50051);
    goingTo.set(Optional.of(destination));
    for (String authority : List.of(MESH_SERVICE, "grpc-service.default.svc.cluster.local")) {
      ManagedChannel channel = channel(authority);
      try {
        assertEquals("proxy", echo(channel, "hello"), authority);
        assertEquals("proxy", echo(channel, "again"), authority);
      } finally {
        channel.shutdownNow();
      }
    }
    assertEquals(destination, seenByProxy.get());
    assertEquals(2, opaque.captured(OpaqueTcp.Reason.MESH_SERVICE));
  }

  @Test
  void gRpcToAnyOtherServicePassesThroughToWhereItWasGoing() {
    goingTo.set(Optional.of(new InetSocketAddress("127.0.0.1", app.port())));
    ManagedChannel channel = channel("other.default.svc.cluster.local:50051");
    try {
      assertEquals("app", echo(channel, "one"));
      // The same connection, on: the server's own SETTINGS came after the proxy's, and nothing broke.
      Iterator<EchoReply> replies = EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .serverStream(EchoRequest.newBuilder().setMessage("two").setCount(3).build());
      int count = 0;
      while (replies.hasNext()) {
        assertEquals("app", replies.next().getServer());
        count++;
      }
      assertEquals(3, count);
    } finally {
      channel.shutdownNow();
    }
    assertEquals(List.of("Echo one", "ServerStream two"), app.seen());
    assertEquals(1, opaque.captured(OpaqueTcp.Reason.NO_LINK));
    assertTrue(opaque.bytes("to-destination") > 0 && opaque.bytes("from-destination") > 0, opaque.toString());
  }

  @Test
  void http2ThatIsNotGrpcReachesItsDestinationAsSentSaveTheAcknowledgementOfTheProxysSettings() throws Exception {
    ByteBuf preface = Unpooled.buffer().writeBytes(ClientPreamble.PREFACE)
        .writeBytes(frame(4, 0, 0, new byte[] {0, 3, 0, 0, 0, 100})); // SETTINGS: MAX_CONCURRENT_STREAMS 100
    Http2Headers request = new DefaultHttp2Headers().method("GET").scheme("http").path("/").authority("web:80")
        .add("content-type", "application/grpc-web"); // not gRPC: grpc's servers refuse it
    ByteBuf headers = Unpooled.buffer();
    new DefaultHttp2HeadersEncoder().encodeHeaders(1, request, headers);
    byte[] headersFrame = frame(1, 0x5, 1, bytes(headers));
    try (ServerSocket web = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      goingTo.set(Optional.of(new InetSocketAddress("127.0.0.1", web.getLocalPort())));
      try (Socket client = new Socket("127.0.0.1", proxy.getPort())) {
        client.setSoTimeout(10_000);
        client.getOutputStream().write(bytes(preface.copy()));
        assertArrayEquals(ClientPreamble.EMPTY_SETTINGS, client.getInputStream().readNBytes(9), "the proxy's SETTINGS");
        client.getOutputStream().write(frame(4, 0x1, 0, new byte[0])); // its acknowledgement
        client.getOutputStream().write(headersFrame);
        try (Socket accepted = web.accept()) {
          accepted.setSoTimeout(10_000);
          byte[] expected = java.nio.ByteBuffer.allocate(preface.readableBytes() + headersFrame.length)
              .put(bytes(preface)).put(headersFrame).array();
          assertArrayEquals(expected, accepted.getInputStream().readNBytes(expected.length));
          accepted.getOutputStream().write(ClientPreamble.EMPTY_SETTINGS); // the server's own, passed on
          assertArrayEquals(ClientPreamble.EMPTY_SETTINGS, client.getInputStream().readNBytes(9), "the server's SETTINGS");
        }
      }
    }
    assertEquals(1, opaque.captured(OpaqueTcp.Reason.HTTP2_NOT_GRPC));
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    return bytes(Unpooled.buffer().writeMedium(payload.length).writeByte(type).writeByte(flags).writeInt(stream)
        .writeBytes(payload));
  }

  private static byte[] bytes(ByteBuf buffer) {
    byte[] bytes = new byte[buffer.readableBytes()];
    buffer.readBytes(bytes);
    return bytes;
  }

  @Test
  void aConnectionDialledToTheProxyIsGrpcAsAlways() {
    goingTo.set(Optional.empty());
    ManagedChannel channel = channel("anything:1");
    try {
      assertEquals("proxy", echo(channel, "hello"));
    } finally {
      channel.shutdownNow();
    }
    assertEquals(null, seenByProxy.get());
    assertEquals(0, opaque.total());
  }

  @Test
  void http1PassesThroughByteForByteAndAHalfCloseEndsTheExchange() throws Exception {
    byte[] request = "POST /upload HTTP/1.1\r\nHost: web\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII);
    byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
    try (ServerSocket web = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      goingTo.set(Optional.of(new InetSocketAddress("127.0.0.1", web.getLocalPort())));
      // The server reads to the end of the request (the client's half close), then answers and closes.
      CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
        try (Socket accepted = web.accept()) {
          byte[] all = accepted.getInputStream().readAllBytes();
          accepted.getOutputStream().write(response);
          return all;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      try (Socket client = new Socket("127.0.0.1", proxy.getPort())) {
        client.setSoTimeout(10_000);
        client.getOutputStream().write(request);
        client.shutdownOutput();
        assertArrayEquals(response, client.getInputStream().readAllBytes());
      }
      assertArrayEquals(request, received.get(10, TimeUnit.SECONDS));
    }
    assertEquals(1, opaque.captured(OpaqueTcp.Reason.NOT_HTTP2));
    assertEquals(request.length, opaque.bytes("to-destination"));
    assertEquals(response.length, opaque.bytes("from-destination"));
  }

  @Test
  void aServerThatSpeaksFirstIsReachedOnceTheClientHasBeenSilentForTheTimeout() throws Exception {
    assertGreetedAfter(greeter -> goingTo.set(Optional.of(new InetSocketAddress("127.0.0.1", greeter))), CLIENT_SPEAKS_WITHIN);
    assertEquals(1, opaque.captured(OpaqueTcp.Reason.SILENT_CLIENT));
  }

  @Test
  void anOpaquePortIsPassedThroughUnread() throws Exception {
    goingTo.set(Optional.of(new InetSocketAddress("127.0.0.1", opaqueGreeter.port())));
    try (Socket client = new Socket("127.0.0.1", proxy.getPort())) {
      client.setSoTimeout(10_000);
      assertEquals(Greeter.GREETING, readLine(client.getInputStream()));
    }
    assertEquals(1, opaque.captured(OpaqueTcp.Reason.OPAQUE_PORT));
    assertEquals(0, opaque.captured(OpaqueTcp.Reason.SILENT_CLIENT));
  }

  @Test
  void aDestinationThatRefusesClosesTheClientsConnection() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    goingTo.set(Optional.of(new InetSocketAddress("127.0.0.1", closedPort)));
    try (Socket client = new Socket("127.0.0.1", proxy.getPort())) {
      client.setSoTimeout(10_000);
      client.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals(-1, client.getInputStream().read());
    }
    assertEquals(1, opaque.connectFailures());
  }

  /** Connects through the proxy to a server that greets first; asserts the greeting came, no sooner than {@code after}. */
  private void assertGreetedAfter(java.util.function.IntConsumer destinationIs, Duration after) throws Exception {
    try (Greeter greeter = new Greeter()) {
      destinationIs.accept(greeter.port());
      long started = System.nanoTime();
      try (Socket client = new Socket("127.0.0.1", proxy.getPort())) {
        client.setSoTimeout(10_000);
        assertEquals(Greeter.GREETING, readLine(client.getInputStream()));
      }
      assertTrue(System.nanoTime() - started >= after.toNanos(), "greeted before the client's time to speak was up");
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  /** A server that speaks first, as MySQL and SMTP do: a line on every connection it accepts. */
  private static final class Greeter implements AutoCloseable {
    static final String GREETING = "220 greeter ready";
    private final ServerSocket socket = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
    private final Thread thread = new Thread(this::serve, "greeter");

    Greeter() throws IOException {
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket accepted = socket.accept()) {
          accepted.getOutputStream().write((GREETING + "\n").getBytes(StandardCharsets.US_ASCII));
          accepted.getInputStream().read(); // until the client goes
        } catch (IOException e) {
          return;
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
