package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.GracefulStop;
import dev.fulcrum.dataplane.ProxyConfig;
import io.grpc.Server;
import java.io.IOException;
import javax.inject.Inject;
import javax.inject.Singleton;

/** The proxy's listening side: a gRPC server that takes any method and hands it to the forwarder. */
@Singleton
public final class ProxyServer implements AutoCloseable {
  private final ProxyConfig config;
  private final ForwardingRegistry registry;
  private final EventLoops eventLoops;
  private Server server;

  @Inject
  public ProxyServer(ProxyConfig config, ForwardingRegistry registry, EventLoops eventLoops) {
    this.config = config;
    this.registry = registry;
    this.eventLoops = eventLoops;
  }

  public void start() throws IOException {
    server = eventLoops.server(config.listenAddress())
        .fallbackHandlerRegistry(registry)
        .directExecutor()
        .maxInboundMessageSize(config.maxMessageBytes())
        // Above grpc's 8 KiB, so that an oversized call reaches the forwarder and fails alone.
        .maxInboundMetadataSize(CallerMetadata.LISTENER_LIMIT_BYTES)
        .build()
        .start();
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      GracefulStop.stop(server);
    }
  }
}
