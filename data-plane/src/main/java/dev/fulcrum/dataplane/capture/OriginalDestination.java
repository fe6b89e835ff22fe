package dev.fulcrum.dataplane.capture;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelException;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.RawUnixChannelOption;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Where a connection was going before iptables' REDIRECT sent it to the proxy: Linux keeps it for
 * the accepted socket, and {@code getsockopt(SO_ORIGINAL_DST)} reads it. Netty's epoll transport
 * reads any socket option, so no native code of our own is needed.
 */
final class OriginalDestination {
  /** {@code SO_ORIGINAL_DST} (linux/netfilter_ipv4.h), and IPv6's {@code IP6T_SO_ORIGINAL_DST}, the same number. */
  private static final int SO_ORIGINAL_DST = 80;
  private static final int SOL_IP = 0;
  private static final int SOL_IPV6 = 41;
  private static final RawUnixChannelOption IPV4 = new RawUnixChannelOption("SO_ORIGINAL_DST", SOL_IP, SO_ORIGINAL_DST, 16);
  private static final RawUnixChannelOption IPV6 = new RawUnixChannelOption("IP6T_SO_ORIGINAL_DST", SOL_IPV6, SO_ORIGINAL_DST, 28);

  private OriginalDestination() {}

  /**
   * The original destination of a redirected connection; empty for one that was dialled to the
   * proxy itself (no NAT, so the kernel has none, or the one it has is the proxy's own address).
   */
  static Optional<InetSocketAddress> of(Channel channel) {
    if (!(channel instanceof EpollSocketChannel) || !(channel.localAddress() instanceof InetSocketAddress local)) {
      return Optional.empty(); // only epoll sockets can ask, and only Linux redirects
    }
    boolean ipv6 = local.getAddress() instanceof Inet6Address;
    ByteBuffer sockaddr;
    try {
      sockaddr = channel.config().getOption(ipv6 ? IPV6 : IPV4);
    } catch (ChannelException e) {
      return Optional.empty(); // ENOENT: the connection went through no NAT
    }
    Optional<InetSocketAddress> original = parse(sockaddr, ipv6);
    return original.filter(address -> !address.equals(local));
  }

  /** A {@code sockaddr_in} (family, port, address) or {@code sockaddr_in6} (family, port, flow info, address). */
  static Optional<InetSocketAddress> parse(ByteBuffer sockaddr, boolean ipv6) {
    byte[] address = new byte[ipv6 ? 16 : 4];
    if (sockaddr.remaining() < (ipv6 ? 24 : 8)) {
      return Optional.empty();
    }
    int port = ((sockaddr.get(sockaddr.position() + 2) & 0xff) << 8) | (sockaddr.get(sockaddr.position() + 3) & 0xff);
    sockaddr.position(sockaddr.position() + (ipv6 ? 8 : 4));
    sockaddr.get(address);
    try {
      return Optional.of(new InetSocketAddress(InetAddress.getByAddress(address), port));
    } catch (UnknownHostException e) {
      return Optional.empty(); // cannot happen for 4 or 16 bytes
    }
  }
}
