package dev.fulcrum.controlplane.xds;

import dev.fulcrum.controlplane.identity.IdentityService;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Named;
import javax.inject.Singleton;

/**
 * The ADS endpoint: java-control-plane's discovery server over grpc-netty, answering from
 * {@link XdsCache}; and on the same address, when configured, the identity service, so that a
 * workload needs one control-plane address for both.
 */
@Singleton
public final class XdsServer implements AutoCloseable {
  private final InetSocketAddress address;
  private final XdsCache cache;
  private final Set<DiscoveryServerCallbacks> observers;
  private final Optional<IdentityService> identity;
  private volatile Server server;

  /** {@code observers} watch the streams (stats, connected proxies); the cache is always called first. */
  @Inject
  public XdsServer(@Named("xdsAddress") InetSocketAddress address, XdsCache cache,
      Set<DiscoveryServerCallbacks> observers, Optional<IdentityService> identity) {
    this.address = address;
    this.cache = cache;
    this.observers = observers;
    this.identity = identity;
  }

  public void start() throws IOException {
    List<DiscoveryServerCallbacks> callbacks = new ArrayList<>();
    callbacks.add(cache);
    callbacks.addAll(observers);
    V3DiscoveryServer discovery = new V3DiscoveryServer(callbacks, cache);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
        .addService(discovery.getAggregatedDiscoveryServiceImpl());
    identity.ifPresent(service -> builder.addService(service.definition()));
    server = builder
        // Proxies keep their ADS stream open for their whole life; let their keepalives through.
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .build()
        .start();
  }

  /** Whether ADS is being served: started, and not shut down. */
  public boolean serving() {
    Server current = server;
    return current != null && !current.isShutdown();
  }

  /** The port ADS is served on (the one chosen by the system when configured as 0). */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    identity.ifPresent(IdentityService::close);
    if (server != null) {
      server.shutdownNow();
      try {
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
