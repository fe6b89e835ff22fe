package dev.fulcrum.dataplane.authz;

import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.xds.XdsBootstrap;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound side's policy, kept current from the control plane: an ADS stream of its own (v3,
 * state of the world) subscribed to the one Listener {@link ProxyConfig#inboundListenerName}, as
 * the node grpc-xds's bootstrap names. Each response is read ({@link InboundListener}) and ACKed,
 * its policy put in force ({@link PolicyInForce}); a bad one is NACKed with the reason, and the
 * last good policy stays. When the stream fails it is opened again after a backoff (from
 * {@link Backoff#first}, doubling up to {@link Backoff#max}, reset by an answer), asking to resume
 * from the version in force; meanwhile that version stays in force, so a control-plane restart
 * never refuses or opens anything.
 *
 * <p>grpc-xds's own client is internal, and its Listeners are for the xDS servers it runs: hence a
 * stream of the sidecar's own, with the envoy protos and stub of {@code io.envoyproxy.controlplane:api}.
 */
@Singleton
public final class PolicySubscription implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PolicySubscription.class);
  static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
  /** How often the wait for the first policy says what it is waiting for. */
  static final Duration STILL_WAITING_EVERY = Duration.ofSeconds(10);

  /** Delays between attempts: from {@code first}, doubling, to {@code max}; each shifted up to 20% to spread proxies out. */
  record Backoff(Duration first, Duration max) {
    Duration after(Duration delay) {
      Duration doubled = delay.multipliedBy(2);
      return doubled.compareTo(max) > 0 ? max : doubled;
    }

    static long jittered(Duration delay) {
      return (long) (delay.toMillis() * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
    }
  }

  private final String target;
  private final String listenerName;
  private final XdsBootstrap bootstrap;
  private final PolicyInForce policies;
  private final Backoff backoff;
  private final ManagedChannel channel;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "fulcrum-inbound-policy");
    thread.setDaemon(true);
    return thread;
  });

  // Guarded by this: the stream's callbacks, the reconnection timer and close() all change them.
  private Node node;
  private Stream stream;
  private String acceptedVersion = "";
  private Duration retry;
  private boolean closed;

  @Inject
  PolicySubscription(ProxyConfig config, XdsBootstrap bootstrap, PolicyInForce policies) {
    this(config, bootstrap, policies, BACKOFF);
  }

  PolicySubscription(ProxyConfig config, XdsBootstrap bootstrap, PolicyInForce policies, Backoff backoff) {
    this.target = config.xdsServer();
    this.listenerName = config.inboundListenerName();
    this.bootstrap = bootstrap;
    this.policies = policies;
    this.backoff = backoff;
    this.retry = backoff.first();
    // A stream that lives as long as the proxy: keepalive finds a control plane gone without a word
    // (grpc-xds pings as rarely, which grpc servers allow by default).
    this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().keepAliveTime(5, TimeUnit.MINUTES).build();
  }

  /** Subscribes, as the node whose admin endpoint is on {@code adminPort}. Returns at once. */
  public synchronized void start(int adminPort) {
    node = bootstrap.node(adminPort);
    connect();
  }

  public String listenerName() {
    return listenerName;
  }

  /** Waits until the first policy is in force, saying every so often what it waits for. */
  public void awaitFirstPolicy() throws InterruptedException {
    while (!policies.awaitFirst(STILL_WAITING_EVERY)) {
      log.warn("inbound side: no policy yet from the control plane at {} (Listener {}); not listening until one"
          + " comes", target, listenerName);
    }
  }

  private synchronized void connect() {
    if (closed) {
      return;
    }
    // The channel may be waiting out its own connection backoff: this stream's backoff is the one that counts.
    channel.resetConnectBackoff();
    Stream opened = new Stream();
    stream = opened;
    opened.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(opened);
    // Resuming: the version in force tells the control plane what this proxy already has.
    opened.send(request(acceptedVersion, "", null));
  }

  private DiscoveryRequest request(String version, String nonce, String error) {
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
        .setNode(node)
        .setTypeUrl(InboundListener.TYPE_URL)
        .addResourceNames(listenerName)
        .setVersionInfo(version)
        .setResponseNonce(nonce);
    if (error != null) {
      request.setErrorDetail(com.google.rpc.Status.newBuilder()
          .setCode(Status.Code.INVALID_ARGUMENT.value())
          .setMessage(error));
    }
    return request.build();
  }

  private void handle(Stream from, DiscoveryResponse response) {
    String version = response.getVersionInfo();
    try {
      if (!response.getTypeUrl().equals(InboundListener.TYPE_URL)) {
        throw new InvalidPolicyException("type_url", "'" + response.getTypeUrl() + "' is not the Listener type asked for");
      }
      InboundPolicy policy = InboundListener.policy(response.getResourcesList(), listenerName);
      policies.apply(version, policy);
      acceptedVersion = version;
      log.info("inbound policy: version {} in force: {}", version, policy);
      from.send(request(version, response.getNonce(), null)); // ACK
    } catch (InvalidPolicyException e) {
      log.warn("inbound policy: refused version {} of Listener {}: {}; {}", version, listenerName, e.getMessage(), kept());
      from.send(request(acceptedVersion, response.getNonce(), e.getMessage())); // NACK
    }
  }

  private String kept() {
    return policies.received() ? "version " + acceptedVersion + " stays in force"
        : "no call is let in until a good one comes";
  }

  private synchronized void ended(Stream from, Status status) {
    if (stream != from || closed) {
      return;
    }
    stream = null;
    if (from.answered) {
      retry = backoff.first();
    }
    long delay = Backoff.jittered(retry);
    retry = backoff.after(retry);
    timer.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    log.warn("inbound policy: the stream to the control plane at {} ended ({}{}); {}; reconnecting in {} ms", target,
        status.getCode(), status.getDescription() == null ? "" : ": " + status.getDescription(), kept(), delay);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (stream != null && stream.requests != null) {
        stream.requests.onError(Status.CANCELLED.withDescription("the proxy is stopping").asRuntimeException());
      }
      stream = null;
    }
    timer.shutdownNow();
    channel.shutdownNow();
  }

  /** One ADS stream; its callbacks are ignored once another has replaced it. */
  private final class Stream implements StreamObserver<DiscoveryResponse> {
    StreamObserver<DiscoveryRequest> requests;
    boolean answered;

    void send(DiscoveryRequest request) {
      requests.onNext(request);
    }

    @Override
    public void onNext(DiscoveryResponse response) {
      synchronized (PolicySubscription.this) {
        if (stream != this || closed) {
          return;
        }
        answered = true;
        handle(this, response);
      }
    }

    @Override
    public void onError(Throwable t) {
      ended(this, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      ended(this, Status.UNAVAILABLE.withDescription("closed by the control plane"));
    }
  }
}
