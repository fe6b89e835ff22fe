package dev.fulcrum.dataplane.forward;

import dev.fulcrum.contract.Limits;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.balance.CallAttempts;
import dev.fulcrum.dataplane.telemetry.ProxyTelemetry;
import io.grpc.Channel;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.xds.XdsChannelCredentials;
import io.micrometer.core.instrument.Gauge;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * One cached {@code xds:///service} channel per service. grpc-xds subscribes each to its Link's
 * configuration over ADS and picks a backend per call over connections it keeps open.
 *
 * <p>Callers choose the names ({@code :authority}), so a channel is kept only once the control
 * plane is seen serving its service: once a call on it reached a backend. A channel whose call
 * ended without reaching one (an unknown service fails at once) is closed with that call, which
 * also ends its xDS subscription. So what callers send keeps no more than
 * {@link #MAX_UNRESOLVED} channels open at once, and the channels kept are as many as the
 * services the control plane serves.
 */
@Singleton
public final class UpstreamChannels implements AutoCloseable {
  /**
   * Channels not yet seen served, at once. An application starting up calls a few services
   * before their configuration arrives; past this many, a call to yet another new name fails
   * with UNAVAILABLE rather than opening one more channel and subscription.
   */
  static final int MAX_UNRESOLVED = 100;

  private final ProxyConfig config;
  private final EventLoops eventLoops;
  private final ConcurrentMap<String, Upstream> upstreams = new ConcurrentHashMap<>();
  private final AtomicInteger unresolved = new AtomicInteger();

  /** A service's channel, and whether the control plane has been seen serving it. */
  static final class Upstream {
    final String service;
    final ManagedChannel channel;
    /** Kept whatever its calls do: the proxy's own --service, the readiness probe's. */
    final boolean pinned;
    private volatile boolean served;
    /** Guarded by this: closed for want of being served (set once). */
    private boolean closed;

    private Upstream(String service, ManagedChannel channel, boolean pinned) {
      this.service = service;
      this.channel = channel;
      this.pinned = pinned;
    }

    Channel channel() {
      return channel;
    }

    /**
     * Whether its name counts as served: a call on it has reached a backend, or the proxy's own
     * configuration named it (one name, not the callers' to choose).
     */
    boolean served() {
      return pinned || served;
    }
  }

  @Inject
  public UpstreamChannels(ProxyConfig config, EventLoops eventLoops, ProxyTelemetry telemetry) {
    this.config = config;
    this.eventLoops = eventLoops;
    // Each channel is an xDS subscription too: what an operator checks when memory grows.
    Gauge.builder("fulcrum.upstream.channels", upstreams, Map::size)
        .description("Upstream xds:/// channels open, one per service (each an xDS subscription)")
        .register(telemetry.registry());
  }

  /** The service a call goes to: the proxy's fixed service, else the call's authority; null if neither. */
  String serviceFor(String authority) {
    return config.service().orElse(authority);
  }

  /** The service's upstream, opened if need be; null when too many names are being looked up already. */
  Upstream upstream(String service) {
    Upstream existing = upstreams.get(service);
    if (existing != null) {
      return existing;
    }
    if (unresolved.incrementAndGet() > MAX_UNRESOLVED) {
      unresolved.decrementAndGet();
      return null;
    }
    Upstream opened = new Upstream(service, open(service), false);
    Upstream raced = upstreams.putIfAbsent(service, opened);
    if (raced != null) {
      unresolved.decrementAndGet();
      opened.channel.shutdownNow();
      return raced;
    }
    return opened;
  }

  /**
   * A call on {@code upstream} ended: if it reached a backend the service is served and its channel
   * stays; if not, and no call ever did, the channel goes (its other calls, if any, finish first).
   */
  void callEnded(Upstream upstream, CallAttempts attempts) {
    if (upstream.pinned || upstream.served) {
      return; // the common case, decided without a lock
    }
    synchronized (upstream) {
      if (upstream.served || upstream.closed) {
        return;
      }
      unresolved.decrementAndGet();
      if (attempts.reachedBackend()) {
        upstream.served = true;
      } else {
        upstream.closed = true;
        upstreams.remove(upstream.service, upstream);
        upstream.channel.shutdown();
      }
    }
  }

  /**
   * Opens the service's channel now, kept for good, and has grpc-xds fetch its configuration and
   * connect, so the first calls do not queue behind that (under load, a queue that can fill a
   * small heap).
   */
  public void warmUp(String service) {
    upstreams.computeIfAbsent(service, s -> new Upstream(s, open(s), true)).channel.getState(true);
  }

  private ManagedChannel open(String service) {
    // grpc-xds's own TLS (gRFC A29): mTLS where the control plane's cluster carries an
    // UpstreamTlsContext (a meshed endpoint), plaintext where it carries none.
    return eventLoops.channel("xds:///" + service, XdsChannelCredentials.create(InsecureChannelCredentials.create()))
        // Forwarding only relays bytes between transports: run it on their threads, no hand-off.
        .directExecutor()
        .maxInboundMessageSize(config.maxMessageBytes())
        // grpc caps attempts at 5 unless told otherwise; a Link may ask for more retries.
        .maxRetryAttempts(Limits.MAX_ATTEMPTS)
        .build();
  }

  @Override
  public void close() {
    upstreams.values().forEach(upstream -> upstream.channel.shutdownNow());
    for (Upstream upstream : upstreams.values()) {
      try {
        upstream.channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
