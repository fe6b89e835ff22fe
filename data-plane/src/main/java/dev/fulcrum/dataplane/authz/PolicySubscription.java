package dev.fulcrum.dataplane.authz;

import com.google.protobuf.Any;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.xds.ControlPlaneChannel;
import dev.fulcrum.dataplane.xds.ListenerSubscription;
import dev.fulcrum.dataplane.xds.XdsBootstrap;
import java.util.List;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound side's policy, kept current from the control plane: a {@link ListenerSubscription}
 * to the one Listener {@link ProxyConfig#inboundListenerName}, as the node grpc-xds's bootstrap
 * names. Each response is read ({@link InboundListener}) and its policy put in force
 * ({@link PolicyInForce}); a bad one is refused, and the last good policy stays, as it does while
 * the control plane is away: a control-plane restart never refuses or opens anything.
 */
@Singleton
public final class PolicySubscription implements ListenerSubscription.Handler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PolicySubscription.class);

  private final String target;
  private final String listenerName;
  private final XdsBootstrap bootstrap;
  private final PolicyInForce policies;
  private final ListenerSubscription subscription;

  @Inject
  PolicySubscription(ProxyConfig config, ControlPlaneChannel channel, XdsBootstrap bootstrap, PolicyInForce policies) {
    this(config, channel, bootstrap, policies, ListenerSubscription.BACKOFF);
  }

  PolicySubscription(ProxyConfig config, ControlPlaneChannel channel, XdsBootstrap bootstrap, PolicyInForce policies,
      ListenerSubscription.Backoff backoff) {
    this.target = channel.target();
    this.listenerName = config.inboundListenerName();
    this.bootstrap = bootstrap;
    this.policies = policies;
    this.subscription = new ListenerSubscription("inbound policy", channel, List.of(listenerName), this, backoff);
  }

  /** Subscribes, as the node whose admin endpoint is on {@code adminPort}. Returns at once. */
  public void start(int adminPort) {
    subscription.start(bootstrap.node(adminPort));
  }

  public String listenerName() {
    return listenerName;
  }

  /** Waits until the first policy is in force, saying every so often what it waits for. */
  public void awaitFirstPolicy() throws InterruptedException {
    while (!policies.awaitFirst(ListenerSubscription.STILL_WAITING_EVERY)) {
      log.warn("inbound side: no policy yet from the control plane at {} (Listener {}); not listening until one"
          + " comes", target, listenerName);
    }
  }

  @Override
  public void apply(String version, List<Any> listeners) throws InvalidPolicyException {
    InboundPolicy policy = InboundListener.policy(listeners, listenerName);
    policies.apply(version, policy);
    log.info("inbound policy: version {} in force: {}", version, policy);
  }

  @Override
  public String kept() {
    return policies.received() ? "version " + policies.version() + " stays in force"
        : "no call is let in until a good one comes";
  }

  @Override
  public void close() {
    subscription.close();
  }
}
