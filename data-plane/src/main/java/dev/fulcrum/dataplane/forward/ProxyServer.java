package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.ProxyConfig;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;

/** The proxy's listening side: a gRPC server that takes any method and hands it to the forwarder. */
@Singleton
public final class ProxyServer implements AutoCloseable {
  private final ProxyConfig config;
  private final ForwardingRegistry registry;
  private Server server;

  @Inject
  public ProxyServer(ProxyConfig config, ForwardingRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  public void start() throws IOException {
    server = NettyServerBuilder.forAddress(config.listenAddress())
        .fallbackHandlerRegistry(registry)
        .directExecutor()
        .maxInboundMessageSize(config.maxMessageBytes())
        .build()
        .start();
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    if (server != null) {
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
}
