package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.GracefulStop;
import dev.fulcrum.dataplane.ProxyConfig;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import java.io.IOException;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The proxy's outbound listening side: a gRPC server on loopback, for the application's calls, that
 * takes any method and hands it to the {@link CallForwarder}.
 */
@Singleton
public final class ProxyServer implements AutoCloseable {
  private final ProxyConfig config;
  private final ForwardingRegistry registry;
  private final EventLoops eventLoops;
  private Server server;

  @Inject
  public ProxyServer(ProxyConfig config, CallForwarder forwarder, EventLoops eventLoops) {
    this.config = config;
    this.registry = new ForwardingRegistry(forwarder);
    this.eventLoops = eventLoops;
  }

  public void start() throws IOException {
    server = eventLoops.forwardingServer(config.listenAddress(), InsecureServerCredentials.create(), registry,
        config.maxMessageBytes()).start();
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
