package dev.fulcrum.dataplane;

import dev.fulcrum.dataplane.admin.AdminServer;
import dev.fulcrum.dataplane.admin.Readiness;
import dev.fulcrum.dataplane.forward.EventLoops;
import dev.fulcrum.dataplane.forward.ProxyServer;
import dev.fulcrum.dataplane.forward.UpstreamChannels;
import dev.fulcrum.dataplane.telemetry.Tracing;
import dev.fulcrum.dataplane.xds.XdsBootstrap;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-plane proxy. A call's path: {@link ProxyServer} accepts it (any method), the
 * {@code CallForwarder} opens its twin on the service's {@link UpstreamChannels} channel, grpc-xds
 * picks the backend, and a {@code ForwardedCall} relays the two until they close.
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

  @Inject
  Proxy(ProxyConfig config, XdsBootstrap bootstrap, ProxyServer server, UpstreamChannels upstreams,
      EventLoops eventLoops, AdminServer admin, Tracing tracing, Readiness readiness) {
    this.config = config;
    this.bootstrap = bootstrap;
    this.server = server;
    this.upstreams = upstreams;
    this.eventLoops = eventLoops;
    this.admin = admin;
    this.tracing = tracing;
    this.readiness = readiness;
  }

  public Proxy start() throws Exception {
    admin.start();
    // The control plane learns the admin address from the node metadata, to gather stats.
    bootstrap.install(admin.port());
    // Subscribes now: the first calls need not wait for the configuration, and /ready can tell it came.
    upstreams.warmUp(readiness.awaitedService());
    server.start();
    readiness.listening(true);
    log.info("proxy listening on {}:{}, routing {} through control plane {}; admin on {}:{}",
        config.listenAddress().getHostString(), server.port(),
        config.service().map(s -> "every call to " + s).orElse("each call by its :authority"),
        config.xdsServer(), config.adminAddress().getHostString(), admin.port());
    return this;
  }

  public int port() {
    return server.port();
  }

  public int adminPort() {
    return admin.port();
  }

  @Override
  public void close() {
    readiness.listening(false);
    server.close();
    upstreams.close();
    eventLoops.close();
    admin.close();
    tracing.close(); // flushes the spans still buffered
  }
}
