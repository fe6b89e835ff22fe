package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.ProxyConfig;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * One cached {@code xds:///service} channel per service. grpc-xds subscribes each to its Link's
 * configuration over ADS and picks a backend per call over connections it keeps open.
 */
@Singleton
public final class UpstreamChannels implements AutoCloseable {
  /** One call plus the most retries a Link may ask for (the control plane's RoutePolicy.MAX_RETRIES). */
  static final int MAX_ATTEMPTS = 11;

  private final ProxyConfig config;
  private final EventLoops eventLoops;
  private final ConcurrentMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  @Inject
  public UpstreamChannels(ProxyConfig config, EventLoops eventLoops) {
    this.config = config;
    this.eventLoops = eventLoops;
  }

  /** The service a call goes to: the proxy's fixed service, else the call's authority; null if neither. */
  String serviceFor(String authority) {
    return config.service().orElse(authority);
  }

  Channel channel(String service) {
    return channels.computeIfAbsent(service, this::open);
  }

  /**
   * Opens the service's channel now and has grpc-xds fetch its configuration and connect, so the
   * first calls do not queue behind that (under load, a queue that can fill a small heap).
   */
  public void warmUp(String service) {
    channels.computeIfAbsent(service, this::open).getState(true);
  }

  private ManagedChannel open(String service) {
    return eventLoops.channel("xds:///" + service)
        .usePlaintext()
        // Forwarding only relays bytes between transports: run it on their threads, no hand-off.
        .directExecutor()
        .maxInboundMessageSize(config.maxMessageBytes())
        // grpc caps attempts at 5 unless told otherwise; a Link may ask for up to 10 retries.
        .maxRetryAttempts(MAX_ATTEMPTS)
        .build();
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel channel : channels.values()) {
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
