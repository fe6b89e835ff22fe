package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.GracefulStop;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.identity.WorkloadIdentity;
import dev.fulcrum.dataplane.inbound.InboundCredentials;
import dev.fulcrum.dataplane.telemetry.ProxyTelemetry;
import dev.fulcrum.dataplane.capture.InboundDetection;
import dev.fulcrum.dataplane.telemetry.OpaqueTcp;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.FunctionCounter;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The proxy's inbound listening side: meshed callers' calls arrive here over mTLS (and, when
 * permissive, callers outside the mesh in plaintext), each decided by the {@link InboundAuthorizer}
 * and, when allowed, handed to the {@link AppForwarder}. When the pod's connections are captured,
 * those to the application's other ports arrive here too, and pass through unread where the mode
 * and policy let them ({@link InboundDetection}).
 */
@Singleton
public final class InboundServer implements AutoCloseable {
  private final ProxyConfig.Inbound config;
  private final int maxMessageBytes;
  private final ForwardingRegistry registry;
  private final EventLoops eventLoops;
  private final WorkloadIdentity identity;
  private final AppForwarder app;
  private final InboundCredentials.Refusals refusals;
  private final InboundAuthorizer authorizer;
  private final ProxyTelemetry telemetry;
  private final boolean captured;
  private Server server;

  @Inject
  public InboundServer(ProxyConfig config, InboundAuthorizer authorizer, AppForwarder app, EventLoops eventLoops,
      Optional<WorkloadIdentity> identity, ProxyTelemetry telemetry) {
    this.config = config.inbound().orElseThrow();
    this.maxMessageBytes = config.maxMessageBytes();
    this.registry = new ForwardingRegistry(authorizer);
    this.eventLoops = eventLoops;
    this.identity = identity.orElseThrow(() -> new IllegalStateException("the inbound side needs an identity"));
    this.app = app;
    this.refusals = new InboundCredentials.Refusals(telemetry);
    this.authorizer = authorizer;
    this.telemetry = telemetry;
    this.captured = config.capture().isPresent();
    FunctionCounter.builder("fulcrum.inbound.refused", refusals, InboundCredentials.Refusals::plaintext)
        .description("Connections the inbound side refused before any call, by reason")
        .tag("reason", "plaintext")
        .register(telemetry.registry());
  }

  /** After the identity has its first certificate. */
  public void start() throws IOException {
    InternalProtocolNegotiator.ProtocolNegotiator negotiator = InboundCredentials.negotiator(identity, config.tls(), refusals);
    NettyServerBuilder builder = eventLoops.forwardingServer(config.address(),
        InternalNettyServerCredentials.create(captured ? new InboundDetection(negotiator, config.appPort(), config.tls(),
            authorizer::unauthenticatedConnection, OpaqueTcp.inbound(telemetry)) : negotiator),
        registry, maxMessageBytes);
    if (captured) {
      builder.handshakeTimeout(Long.MAX_VALUE, TimeUnit.MILLISECONDS); // passed-through connections never finish it
    }
    server = builder.build().start();
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      GracefulStop.stop(server);
    }
    app.close();
  }
}
