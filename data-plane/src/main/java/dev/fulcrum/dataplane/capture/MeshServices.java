package dev.fulcrum.dataplane.capture;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fulcrum.dataplane.xds.ControlPlaneChannel;
import dev.fulcrum.dataplane.xds.ListenerSubscription;
import dev.fulcrum.dataplane.xds.RefusedResponseException;
import dev.fulcrum.dataplane.xds.XdsBootstrap;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names the mesh's services answer to, {@code host:port}, every form of each (the control
 * plane makes a Listener of each alias): a captured connection whose first gRPC request names one
 * is balanced, any other passes through. Kept current from a wildcard {@link ListenerSubscription},
 * whose responses hold every Listener (state of the world); until the first, the outbound side
 * does not listen. A bad response is refused and the names in force stay.
 */
@Singleton
public final class MeshServices implements ListenerSubscription.Handler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MeshServices.class);

  private final String target;
  private final XdsBootstrap bootstrap;
  private final ListenerSubscription subscription;
  private final CountDownLatch first = new CountDownLatch(1);
  private volatile Set<String> names = Set.of();
  private volatile String version = "";

  @Inject
  MeshServices(ControlPlaneChannel channel, XdsBootstrap bootstrap) {
    this(channel, bootstrap, ListenerSubscription.BACKOFF);
  }

  MeshServices(ControlPlaneChannel channel, XdsBootstrap bootstrap, ListenerSubscription.Backoff backoff) {
    this.target = channel.target();
    this.bootstrap = bootstrap;
    this.subscription = new ListenerSubscription("mesh services", channel, List.of(), this, backoff);
  }

  /** Subscribes, as the node whose admin endpoint is on {@code adminPort}. Returns at once. */
  public void start(int adminPort) {
    subscription.start(bootstrap.node(adminPort));
  }

  /** Whether a service of the mesh answers to {@code authority} ({@code host:port}). */
  public boolean serves(String authority) {
    return names.contains(authority);
  }

  public boolean received() {
    return first.getCount() == 0;
  }

  /** Waits until the first names came, saying every so often what it waits for. */
  public void awaitFirst() throws InterruptedException {
    while (!first.await(ListenerSubscription.STILL_WAITING_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
      log.warn("outbound side: no service names yet from the control plane at {}; not taking captured connections"
          + " until they come", target);
    }
  }

  @Override
  public void apply(String version, List<Any> listeners) throws RefusedResponseException {
    Set<String> read = new HashSet<>();
    for (int i = 0; i < listeners.size(); i++) {
      Any resource = listeners.get(i);
      if (!resource.is(Listener.class)) {
        throw new RefusedResponseException("resources[" + i + "]: '" + resource.getTypeUrl() + "' is not a Listener");
      }
      try {
        read.add(resource.unpack(Listener.class).getName());
      } catch (InvalidProtocolBufferException e) {
        throw new RefusedResponseException("resources[" + i + "]: not a Listener: " + e.getMessage());
      }
    }
    names = Set.copyOf(read);
    this.version = version;
    first.countDown();
    log.info("mesh services: version {}: {} names", version, read.size());
  }

  @Override
  public String kept() {
    return received() ? "the names of version " + version + " stay in force" : "no captured connection is taken until they come";
  }

  @Override
  public void close() {
    subscription.close();
  }
}
