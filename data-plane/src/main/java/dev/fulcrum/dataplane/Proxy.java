package dev.fulcrum.dataplane;

import dev.fulcrum.dataplane.admin.AdminServer;
import dev.fulcrum.dataplane.admin.Readiness;
import dev.fulcrum.dataplane.authz.PolicySubscription;
import dev.fulcrum.dataplane.capture.MeshServices;
import dev.fulcrum.dataplane.forward.EventLoops;
import dev.fulcrum.dataplane.forward.InboundServer;
import dev.fulcrum.dataplane.forward.ProxyServer;
import dev.fulcrum.dataplane.forward.UpstreamChannels;
import dev.fulcrum.dataplane.telemetry.Tracing;
import dev.fulcrum.dataplane.xds.ControlPlaneChannel;
import dev.fulcrum.dataplane.xds.XdsBootstrap;
import dev.fulcrum.dataplane.identity.WorkloadIdentity;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-plane proxy, a sidecar's two sides. Outbound, a call's path: {@link ProxyServer} accepts
 * it (any method), the {@code CallForwarder} opens its twin on the service's {@link UpstreamChannels}
 * channel, grpc-xds picks the backend (over mTLS when it is meshed), and a {@code ForwardedCall}
 * relays the two until they close. Inbound: {@link InboundServer} terminates the caller's mTLS, the
 * {@code InboundAuthorizer} decides the call by the policy the {@link PolicySubscription} keeps
 * current, and the {@code AppForwarder} relays an allowed call to the application on loopback.
 */
@Singleton
public final class Proxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Proxy.class);

  private final ProxyConfig config;
  private final XdsBootstrap bootstrap;
  private final ProxyServer server;
  private final UpstreamChannels upstreams;
  private final EventLoops eventLoops;
  private final AdminServer admin;
  private final Tracing tracing;
  private final Readiness readiness;
  private final Optional<WorkloadIdentity> identity;
  private final Optional<InboundServer> inbound;
  private final Optional<PolicySubscription> inboundPolicy;
  private final Optional<MeshServices> meshServices;
  private final ControlPlaneChannel controlPlane;

  @Inject
  Proxy(ProxyConfig config, XdsBootstrap bootstrap, ProxyServer server, UpstreamChannels upstreams,
      EventLoops eventLoops, AdminServer admin, Tracing tracing, Readiness readiness,
      Optional<WorkloadIdentity> identity, Optional<InboundServer> inbound, Optional<PolicySubscription> inboundPolicy,
      Optional<MeshServices> meshServices, ControlPlaneChannel controlPlane) {
    this.config = config;
    this.bootstrap = bootstrap;
    this.server = server;
    this.upstreams = upstreams;
    this.eventLoops = eventLoops;
    this.admin = admin;
    this.tracing = tracing;
    this.readiness = readiness;
    this.identity = identity;
    this.inbound = inbound;
    this.inboundPolicy = inboundPolicy;
    this.meshServices = meshServices;
    this.controlPlane = controlPlane;
  }

  public Proxy start() throws Exception {
    admin.start();
    // Subscribes now, so that the policy can arrive while the proxy is being certified.
    inboundPolicy.ifPresent(subscription -> subscription.start(admin.port()));
    meshServices.ifPresent(services -> services.start(admin.port()));
    // Before anything connects: mTLS, both ways, needs the certificate (grpc-xds reads its files).
    if (identity.isPresent()) {
      identity.get().start();
    }
    if (config.outbound()) {
      // The control plane learns the admin address from the node metadata, to gather stats.
      bootstrap.install(admin.port());
      // Subscribes now: the first calls need not wait for the configuration, and /ready can tell it came.
      upstreams.warmUp(readiness.awaitedService());
      if (meshServices.isPresent()) {
        // Captured connections are told apart by the names of the mesh's services: none is taken
        // before they are known (the connections wait in the backlog, or are refused, and retried).
        meshServices.get().awaitFirst();
      }
      server.start();
      log.info("proxy listening on {}:{}{}, routing {} through control plane {}; admin on {}:{}",
          config.listenAddress().getHostString(), server.port(),
          config.capture().map(c -> " for captured connections too (opaque ports: " + c.opaquePorts() + ")").orElse(""),
          config.service().map(s -> "every call to " + s).orElse("each call by its :authority"),
          config.xdsServer(), config.adminAddress().getHostString(), admin.port());
    }
    if (inbound.isPresent()) {
      // The inbound side listens only once its first policy is in force, rather than listening and
      // refusing calls with UNAVAILABLE until then: a caller finds the port closed, which grpc takes
      // as this endpoint not being up yet (it waits, or picks another), where a refused call would
      // be a failed one. The certificate is waited for the same way; /ready says no meanwhile.
      inboundPolicy.orElseThrow().awaitFirstPolicy();
      inbound.get().start();
      ProxyConfig.Inbound side = config.inbound().orElseThrow();
      log.info("proxy inbound side on {}:{} ({}), as {}, forwarding to the application on 127.0.0.1:{} what the policy"
              + " of Listener {} allows; admin on {}:{}",
          side.address().getHostString(), inbound.get().port(), side.tls().yamlName(), identity.orElseThrow().current().id(),
          side.appPort(), inboundPolicy.orElseThrow().listenerName(), config.adminAddress().getHostString(), admin.port());
    }
    readiness.listening(true);
    return this;
  }

  /** The outbound side's port. */
  public int port() {
    return server.port();
  }

  /** The inbound side's port. */
  public int inboundPort() {
    return inbound.orElseThrow(() -> new IllegalStateException("this proxy has no inbound side")).port();
  }

  public int adminPort() {
    return admin.port();
  }

  /** Stops renewing, and removes the key and certificate, which no one else uses. */
  private static void forget(WorkloadIdentity identity) {
    identity.close();
    try {
      identity.files().delete();
    } catch (java.io.IOException e) {
      log.warn("could not remove the proxy's key from {}: {}", identity.files().dir(), e.getMessage());
    }
  }

  @Override
  public void close() {
    readiness.listening(false);
    inbound.ifPresent(InboundServer::close);
    inboundPolicy.ifPresent(PolicySubscription::close);
    meshServices.ifPresent(MeshServices::close);
    controlPlane.close();
    server.close();
    upstreams.close();
    eventLoops.close();
    identity.ifPresent(Proxy::forget);
    admin.close();
    tracing.close(); // flushes the spans still buffered
  }
}
