package dev.fulcrum.dataplane.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listeners the proxy reads itself, kept current from the control plane: an ADS stream (v3, state
 * of the world) subscribed to {@code names}, or to every Listener when there are none. Each
 * response goes to the {@link Handler} and is ACKed; one it refuses is NACKed with the reason, and
 * what it had stays. When the stream fails it is opened again after a backoff (from
 * {@link Backoff#first}, doubling up to {@link Backoff#max}, reset by an answer), asking to resume
 * from the version in force; meanwhile that version stays in force, so a control-plane restart
 * never changes what the proxy does.
 *
 * <p>grpc-xds's own client is internal: hence streams of the proxy's own, with the envoy protos
 * and stub of {@code io.envoyproxy.controlplane:api}.
 */
public final class ListenerSubscription implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ListenerSubscription.class);
  public static final String TYPE_URL = "type.googleapis.com/envoy.config.listener.v3.Listener";
  /** How often a wait for the first response says what it is waiting for. */
  public static final Duration STILL_WAITING_EVERY = Duration.ofSeconds(10);
  public static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  /** What the subscription's Listeners are for. */
  public interface Handler {
    /** Puts a response's Listeners in force, or refuses them all. */
    void apply(String version, List<Any> listeners) throws RefusedResponseException;

    /** What stays in force when a response is refused or the stream lost, for the log. */
    String kept();
  }

  /** Delays between attempts: from {@code first}, doubling, to {@code max}; each shifted up to 20% to spread proxies out. */
  public record Backoff(Duration first, Duration max) {
    Duration after(Duration delay) {
      Duration doubled = delay.multipliedBy(2);
      return doubled.compareTo(max) > 0 ? max : doubled;
    }

    static long jittered(Duration delay) {
      return (long) (delay.toMillis() * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
    }
  }

  private final String what;
  private final ControlPlaneChannel channel;
  private final List<String> names;
  private final Handler handler;
  private final Backoff backoff;
  private final ScheduledExecutorService timer;

  // Guarded by this: the stream's callbacks, the reconnection timer and close() all change them.
  private Node node;
  private Stream stream;
  private String acceptedVersion = "";
  private Duration retry;
  private boolean closed;

  /** {@code what} names the subscription in the log, and its timer thread. */
  public ListenerSubscription(String what, ControlPlaneChannel channel, List<String> names, Handler handler, Backoff backoff) {
    this.what = what;
    this.channel = channel;
    this.names = List.copyOf(names);
    this.handler = handler;
    this.backoff = backoff;
    this.retry = backoff.first();
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "fulcrum-" + what.replace(' ', '-'));
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Subscribes as {@code node}. Returns at once. */
  public synchronized void start(Node node) {
    this.node = node;
    connect();
  }

  private synchronized void connect() {
    if (closed) {
      return;
    }
    // The channel may be waiting out its own connection backoff: this stream's backoff is the one that counts.
    channel.channel().resetConnectBackoff();
    Stream opened = new Stream();
    stream = opened;
    opened.requests = AggregatedDiscoveryServiceGrpc.newStub(channel.channel()).streamAggregatedResources(opened);
    // Resuming: the version in force tells the control plane what this proxy already has.
    opened.send(request(acceptedVersion, "", null));
  }

  private DiscoveryRequest request(String version, String nonce, String error) {
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
        .setNode(node)
        .setTypeUrl(TYPE_URL)
        .addAllResourceNames(names)
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
      if (!response.getTypeUrl().equals(TYPE_URL)) {
        throw new RefusedResponseException("type_url: '" + response.getTypeUrl() + "' is not the Listener type asked for");
      }
      handler.apply(version, response.getResourcesList());
      acceptedVersion = version;
      from.send(request(version, response.getNonce(), null)); // ACK
    } catch (RefusedResponseException e) {
      log.warn("{}: refused version {} of {}: {}; {}", what, version, subscribed(), e.getMessage(), handler.kept());
      from.send(request(acceptedVersion, response.getNonce(), e.getMessage())); // NACK
    }
  }

  private String subscribed() {
    return names.isEmpty() ? "every Listener" : "Listener " + String.join(", ", names);
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
    log.warn("{}: the stream to the control plane at {} ended ({}{}); {}; reconnecting in {} ms", what, channel.target(),
        status.getCode(), status.getDescription() == null ? "" : ": " + status.getDescription(), handler.kept(), delay);
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
      synchronized (ListenerSubscription.this) {
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
