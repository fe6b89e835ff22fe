package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.GracefulStop;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.capture.MeshServices;
import dev.fulcrum.dataplane.capture.OutboundDetection;
import dev.fulcrum.dataplane.telemetry.OpaqueTcp;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Provider;
import javax.inject.Singleton;

/**
 * The proxy's outbound listening side: a gRPC server on loopback, for the application's calls, that
 * takes any method and hands it to the {@link CallForwarder}. When the pod's connections are
 * captured, each connection is looked at first ({@link OutboundDetection}): only gRPC to the mesh's
 * services reaches the server, the rest passes through.
 */
@Singleton
public final class ProxyServer implements AutoCloseable {
  private final ProxyConfig config;
  private final ForwardingRegistry registry;
  private final EventLoops eventLoops;
  private final Provider<MeshServices> meshServices;
  private final Provider<OpaqueTcp> opaqueTcp;
  private Server server;

  @Inject
  public ProxyServer(ProxyConfig config, CallForwarder forwarder, EventLoops eventLoops, Provider<MeshServices> meshServices,
      Provider<OpaqueTcp> opaqueTcp) {
    this.config = config;
    this.registry = new ForwardingRegistry(forwarder);
    this.eventLoops = eventLoops;
    this.meshServices = meshServices;
    this.opaqueTcp = opaqueTcp;
  }

  public void start() throws IOException {
    ServerCredentials credentials = config.capture()
        .map(capture -> InternalNettyServerCredentials.create(
            new OutboundDetection(meshServices.get(), capture.opaquePorts(), opaqueTcp.get())))
        .orElseGet(InsecureServerCredentials::create);
    NettyServerBuilder builder = eventLoops.forwardingServer(config.listenAddress(), credentials, registry,
        config.maxMessageBytes());
    if (config.capture().isPresent()) {
      // A passed-through connection never completes grpc's handshake, and may last for hours (a
      // database's): grpc's handshake timeout would cut it.
      builder.handshakeTimeout(Long.MAX_VALUE, TimeUnit.MILLISECONDS);
    }
    server = builder.build().start();
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
