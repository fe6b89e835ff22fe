package dev.fulcrum.dataplane.xds;

import dev.fulcrum.dataplane.ProxyConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The proxy's own connection to the control plane, for the ADS streams it opens itself (grpc-xds
 * keeps one of its own): one connection however many of them there are.
 */
@Singleton
public final class ControlPlaneChannel implements AutoCloseable {
  private final String target;
  private final ManagedChannel channel;

  @Inject
  public ControlPlaneChannel(ProxyConfig config) {
    this.target = config.xdsServer();
    // Streams that live as long as the proxy: keepalive finds a control plane gone without a word
    // (grpc-xds pings as rarely, which grpc servers allow by default).
    this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().keepAliveTime(5, TimeUnit.MINUTES).build();
  }

  /** The control plane's address, {@code host:port}. */
  public String target() {
    return target;
  }

  ManagedChannel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
