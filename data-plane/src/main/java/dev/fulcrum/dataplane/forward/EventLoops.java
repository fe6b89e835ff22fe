package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.ProxyConfig;
import io.grpc.ChannelCredentials;
import io.grpc.HandlerRegistry;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The proxy's transports, alike on both sides. One event loop group for the listening server and
 * every upstream channel, of {@link ProxyConfig#ioThreads} threads: one by default, so a call never
 * changes threads on its way through (grpc's default gives each side twice as many threads as
 * cores, and forwarding does all its work on them). Epoll where the platform has it.
 *
 * <p>A fixed HTTP/2 flow-control window of {@link #FLOW_CONTROL_WINDOW} per stream. grpc would
 * otherwise tune it from bandwidth-delay pings, sent as data arrives and answered by the peer:
 * frames both ways on every connection for a window that, on a sidecar's short links, never needs
 * to grow (1 MiB per stream keeps a 1 ms round trip at 1 GiB/s). Measured in docs/performance.md.
 */
@Singleton
public final class EventLoops implements AutoCloseable {
  /** grpc's own initial window, kept fixed. */
  static final int FLOW_CONTROL_WINDOW = 1024 * 1024;

  private final boolean epoll = Epoll.isAvailable();
  private final EventLoopGroup group;

  @Inject
  public EventLoops(ProxyConfig config) {
    int threads = config.ioThreadCount();
    DefaultThreadFactory threadFactory = new DefaultThreadFactory("fulcrum-proxy", true);
    group = epoll ? new EpollEventLoopGroup(threads, threadFactory) : new NioEventLoopGroup(threads, threadFactory);
  }

  /**
   * A listening side of the proxy, to build: every method goes to {@code registry}, run on the
   * transport's thread (forwarding only relays bytes between transports: no hand-off).
   */
  NettyServerBuilder forwardingServer(InetSocketAddress address, ServerCredentials credentials, HandlerRegistry registry,
      int maxMessageBytes) {
    return NettyServerBuilder.forAddress(address, credentials)
        .bossEventLoopGroup(group)
        .workerEventLoopGroup(group)
        .channelType(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .flowControlWindow(FLOW_CONTROL_WINDOW)
        .fallbackHandlerRegistry(registry)
        .directExecutor()
        .maxInboundMessageSize(maxMessageBytes)
        // Above grpc's 8 KiB, so that an oversized call reaches the forwarder and fails alone.
        .maxInboundMetadataSize(CallerMetadata.LISTENER_LIMIT_BYTES);
  }

  NettyChannelBuilder channel(String target, ChannelCredentials credentials) {
    return NettyChannelBuilder.forTarget(target, credentials)
        .eventLoopGroup(group)
        .channelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .flowControlWindow(FLOW_CONTROL_WINDOW);
  }

  /** After the server and channels using it have closed. */
  @Override
  public void close() {
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }
}
