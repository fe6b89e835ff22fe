package dev.fulcrum.tools.echo;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** An echo server on one port: the backend of the demo, the tests and the benchmarks. */
public final class EchoServer implements AutoCloseable {
  /** Large enough for the 16 MiB messages the proxy must pass. */
  private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final EchoService service;
  private final Server server;

  private EchoServer(EchoService service, Server server) {
    this.service = service;
    this.server = server;
  }

  /** Starts a server named {@code name} on {@code address} (port 0: any free port). */
  public static EchoServer start(InetSocketAddress address, String name) throws IOException {
    EchoService service = new EchoService(name);
    Server server = NettyServerBuilder.forAddress(address)
        .addService(service)
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .build()
        .start();
    return new EchoServer(service, server);
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
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }
}
