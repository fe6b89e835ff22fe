package dev.fulcrum.dataplane.capture;

import dev.fulcrum.dataplane.telemetry.OpaqueTcp;
import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.ChannelPipeline;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.ChannelInputShutdownEvent;
import io.grpc.netty.shaded.io.netty.channel.socket.DuplexChannel;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A captured connection passed through, byte for byte, to where it was going: the proxy connects
 * there itself (as its own user, whose connections are not captured), sends on what the client
 * said while it was being looked at, then relays both ways until both sides are done. Each side
 * reads only once the other has taken its last read, so neither buffers more than one read; an
 * end of input is passed on as a half close, so request-then-close protocols work.
 */
final class Passthrough {
  private static final Logger log = LoggerFactory.getLogger(Passthrough.class);
  /** Past this, a destination that does not answer fails the client's connection (Linux's own default is minutes). */
  static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  private Passthrough() {}

  /**
   * Takes the connection whose pipeline {@code ctx} is in away from grpc: empties the pipeline (the
   * handler and grpc's after it), stops its reads until the destination is reached, and starts.
   */
  static void takeOver(ChannelHandlerContext ctx, InetSocketAddress destination, ByteBuf sent, boolean clientDone,
      OpaqueTcp telemetry) {
    Channel client = ctx.channel();
    client.config().setAutoRead(false);
    client.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    ChannelPipeline pipeline = ctx.pipeline();
    for (String name : new ArrayList<>(pipeline.toMap().keySet())) {
      pipeline.remove(name);
    }
    start(client, destination, sent, clientDone, telemetry);
  }

  /**
   * Connects {@code client} to {@code destination}, first sending {@code sent} (released here), and
   * the end of the client's input if it came already ({@code clientDone}). The client's pipeline
   * must be empty, its reads off (auto-read false), and half closure allowed.
   */
  private static void start(Channel client, InetSocketAddress destination, ByteBuf sent, boolean clientDone, OpaqueTcp telemetry) {
    new Bootstrap()
        .group(client.eventLoop())
        .channel(EpollSocketChannel.class) // captured connections are epoll's: only it reads SO_ORIGINAL_DST
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        .handler(new Relay(client, telemetry::fromDestination))
        .connect(destination)
        .addListener((ChannelFutureListener) connected -> {
          if (!connected.isSuccess()) {
            ReferenceCountUtil.release(sent);
            telemetry.connectFailed();
            log.debug("passthrough: could not reach {} for {}: {}", destination, client.remoteAddress(),
                connected.cause().getMessage());
            client.close();
            return;
          }
          Channel server = connected.channel();
          if (!client.isActive()) {
            ReferenceCountUtil.release(sent);
            server.close(); // the client left while the proxy was connecting
            return;
          }
          telemetry.opened();
          server.closeFuture().addListener(closed -> telemetry.closed());
          client.pipeline().addLast(new Relay(server, telemetry::toDestination));
          telemetry.toDestination(sent.readableBytes());
          server.writeAndFlush(sent);
          // The client's end may have come with its last bytes, before any relay was there to see it.
          if (clientDone || ((DuplexChannel) client).isInputShutdown()) {
            Relay.shutdownOutput(server);
          } else {
            client.read();
          }
          server.read();
        });
  }

  /** Relays what its channel reads to {@code peer}, reading the next once {@code peer} has taken it. */
  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final IntConsumer counted;

    Relay(Channel peer, IntConsumer counted) {
      this.peer = peer;
      this.counted = counted;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf bytes) {
        counted.accept(bytes.readableBytes());
      }
      peer.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
        if (written.isSuccess()) {
          ctx.channel().read();
        } else {
          written.channel().close();
          ctx.channel().close();
        }
      });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof ChannelInputShutdownEvent) {
        // This side is done sending: so is the relay, towards the other, once what is on its way
        // there has gone (an empty write completes after those before it). A side both done
        // sending and sent to closes, and its peer, done too by then, with it.
        shutdownOutput(peer);
        closeIfDone(ctx.channel());
        return;
      }
      ctx.fireUserEventTriggered(event);
    }

    static void shutdownOutput(Channel channel) {
      if (channel instanceof DuplexChannel duplex && channel.isActive()) {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER)
            .addListener(flushed -> duplex.shutdownOutput().addListener(shut -> closeIfDone(channel)));
      }
    }

    private static void closeIfDone(Channel channel) {
      if (channel instanceof DuplexChannel duplex && duplex.isShutdown()) {
        channel.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      peer.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("passthrough: {} failed: {}", ctx.channel().remoteAddress(), cause.getMessage());
      ctx.close();
    }
  }
}
