package dev.fulcrum.tools.echo;

import dev.fulcrum.dataplane.GracefulStop;
import dev.fulcrum.dataplane.identity.TlsPeer;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An echo server on one port: the backend of the demo, the tests and the benchmarks. Besides the
 * messages, it echoes metadata: every request header named {@code x-echo-*} comes back as a
 * response header, and the trailers name the server ({@code x-echo-server}). A call that arrives
 * with a deadline gets {@link #DEADLINE_HEADER} back: what was left of it when the call started
 * here, so a test can see the deadline a backend behind the proxy was given.
 */
public final class EchoServer implements AutoCloseable {
  /** Large enough for the 16 MiB messages the proxy must pass. */
  private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
  public static final Metadata.Key<String> SERVER_TRAILER =
      Metadata.Key.of("x-echo-server", Metadata.ASCII_STRING_MARSHALLER);
  /** The milliseconds left of the call's deadline as this server received it; absent without one. */
  public static final Metadata.Key<String> DEADLINE_HEADER =
      Metadata.Key.of("fulcrum-echo-deadline-ms", Metadata.ASCII_STRING_MARSHALLER);
  /** The mesh identity the caller's TLS certificate proved, when it came over mTLS. */
  public static final Metadata.Key<String> PEER_IDENTITY_HEADER =
      Metadata.Key.of("fulcrum-echo-peer-identity", Metadata.ASCII_STRING_MARSHALLER);

  private final EchoService service;
  private final Server server;
  private final ScheduledExecutorService timer;

  private EchoServer(EchoService service, Server server, ScheduledExecutorService timer) {
    this.service = service;
    this.server = server;
    this.timer = timer;
  }

  /** Starts a server named {@code name} on {@code address} (port 0: any free port). */
  public static EchoServer start(InetSocketAddress address, String name) throws IOException {
    return start(NettyServerBuilder.forAddress(address), name);
  }

  /**
   * A proxyless echo server: grpc's xDS server (gRFC A36) on {@code port}, whose security the
   * control plane sets (mTLS, gRFC A29), from the grpc-xds bootstrap this JVM was given (as
   * {@code tools/fulcrum identity --bootstrap} writes it).
   */
  public static EchoServer startXds(int port, String name) throws IOException {
    return start(XdsServerBuilder.forPort(port, XdsServerCredentials.create(InsecureServerCredentials.create())), name);
  }

  private static EchoServer start(ServerBuilder<?> builder, String name) throws IOException {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "echo-" + name + "-timer");
      thread.setDaemon(true);
      return thread;
    });
    EchoService service = new EchoService(name, timer);
    Server server = builder
        .addService(ServerInterceptors.intercept(service, new MetadataEcho(name)))
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .build()
        .start();
    return new EchoServer(service, server, timer);
  }

  public static EchoServer start(int port, String name) throws IOException {
    return start(new InetSocketAddress(port), name);
  }

  public int port() {
    return server.getPort();
  }

  public EchoService service() {
    return service;
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops at once, failing calls in flight: how a crashed backend looks to its callers. */
  public void kill() {
    server.shutdownNow();
    timer.shutdownNow();
  }

  @Override
  public void close() {
    GracefulStop.stop(server);
    timer.shutdownNow();
  }

  /**
   * Sends {@code x-echo-*} request headers back as response headers, with the deadline left; names
   * the server in the trailers.
   */
  private static final class MetadataEcho implements ServerInterceptor {
    private final String name;

    MetadataEcho(String name) {
      this.name = name;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata requestHeaders, ServerCallHandler<Q, A> next) {
      Metadata echoed = new Metadata();
      for (String key : requestHeaders.keys()) {
        if (!key.startsWith("x-echo-")) {
          continue;
        }
        if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          Metadata.Key<byte[]> binary = Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER);
          requestHeaders.getAll(binary).forEach(value -> echoed.put(binary, value));
        } else {
          Metadata.Key<String> ascii = Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
          requestHeaders.getAll(ascii).forEach(value -> echoed.put(ascii, value));
        }
      }
      TlsPeer peer = TlsPeer.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
      peer.id().ifPresent(id -> echoed.put(PEER_IDENTITY_HEADER, id.toString()));
      Deadline deadline = Context.current().getDeadline(); // the call's context: its grpc-timeout
      if (deadline != null) {
        echoed.put(DEADLINE_HEADER, String.valueOf(deadline.timeRemaining(TimeUnit.MILLISECONDS)));
      }
      return next.startCall(new SimpleForwardingServerCall<>(call) {
        @Override
        public void sendHeaders(Metadata headers) {
          headers.merge(echoed);
          super.sendHeaders(headers);
        }

        @Override
        public void close(Status status, Metadata trailers) {
          trailers.put(SERVER_TRAILER, name);
          super.close(status, trailers);
        }
      }, requestHeaders);
    }
  }
}
