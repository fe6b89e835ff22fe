package dev.fulcrum.dataplane.admin;

import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.authz.PolicyInForce;
import dev.fulcrum.dataplane.xds.ConfigReadiness;
import io.grpc.xds.shaded.io.envoyproxy.envoy.service.status.v3.ClientStatusResponse;
import java.util.function.Supplier;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * When the proxy's {@code /ready} says yes: it listens, and grpc-xds has applied its
 * configuration. With {@code --service}, that service's Listener, routes, Clusters and at least
 * one endpoint; without, the answer to a first ADS request (for {@link #PROBE_SERVICE}, a name no
 * Link has: the control plane answers it as it answers any unknown service), which shows the
 * control plane is there and answering.
 *
 * <p>A proxy with an inbound side is ready only once its inbound policy has been received (it
 * listens only then, too); with only an inbound side, it then needs no more: it listens once
 * certified and given its policy.
 *
 * <p>Once configured, the proxy stays ready: grpc-xds keeps what it applied when the control plane
 * goes away, and a pod's readiness must not follow its outbound dependencies (a deleted Link would
 * otherwise take the application's own pod out of its Service).
 */
@Singleton
public final class Readiness {
  /** Reserved by RFC 2606: never a real service. */
  public static final String PROBE_SERVICE = "fulcrum-readiness.invalid:1";

  private final ProxyConfig config;
  private final PolicyInForce inboundPolicies;
  private volatile boolean listening;
  private volatile boolean configured;

  @Inject
  public Readiness(ProxyConfig config, PolicyInForce inboundPolicies) {
    this.config = config;
    this.inboundPolicies = inboundPolicies;
  }

  /** The service whose configuration the proxy waits for (the channel to warm up). */
  public String awaitedService() {
    return config.service().orElse(PROBE_SERVICE);
  }

  public void listening(boolean listening) {
    this.listening = listening;
  }

  boolean ready(Supplier<ClientStatusResponse> status) {
    if (!listening) {
      return false;
    }
    if (config.inbound().isPresent() && !inboundPolicies.received()) {
      return false; // no call may reach the application before its policy is known
    }
    if (!config.outbound()) {
      return true; // an inbound side alone needs no xDS: it listens once it has its certificate
    }
    if (!configured) {
      ClientStatusResponse applied = status.get();
      configured = config.service().isPresent()
          ? ConfigReadiness.hasService(applied, config.service().get())
          : ConfigReadiness.hasListener(applied, PROBE_SERVICE);
    }
    return configured;
  }
}
