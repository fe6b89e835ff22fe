package dev.fulcrum.dataplane.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Captured connections, by what the proxy made of them: gRPC to a service of the mesh, balanced
 * call by call; anything else passed through to its original destination as opaque TCP, counted
 * in connections and bytes each way. Every label has a fixed set of values.
 * <ul>
 *   <li>{@code fulcrum_captured_connections_total{direction, handling="balanced|opaque|refused", reason}}
 *       (inbound, only those to ports the inbound side does not serve: the rest are its calls)
 *   <li>{@code fulcrum_opaque_connections_open{direction}}
 *   <li>{@code fulcrum_opaque_bytes_total{direction, flow="to-destination|from-destination"}}
 *   <li>{@code fulcrum_opaque_connect_failures_total{direction}}: the original destination refused
 *       or did not answer, so the client's connection was closed
 * </ul>
 */
@Singleton
public final class OpaqueTcp {
  /** Why a captured connection went the way it went. */
  public enum Reason {
    /** Outbound gRPC whose first request names a service of the mesh: balanced. */
    MESH_SERVICE("balanced"),
    /** Its destination port is declared opaque: not looked at. */
    OPAQUE_PORT("opaque"),
    /** The client said nothing within the detection timeout (the server may speak first). */
    SILENT_CLIENT("opaque"),
    /** Not HTTP/2 (HTTP/1, TLS, a database's protocol). */
    NOT_HTTP2("opaque"),
    /** HTTP/2, but its first request is not gRPC. */
    HTTP2_NOT_GRPC("opaque"),
    /** gRPC to a name no service of the mesh answers to. */
    NO_LINK("opaque"),
    /** HTTP/2 the proxy could not read, or whose first request took more bytes than it reads. */
    UNREADABLE("opaque"),
    /** Inbound, to a port of the application other than the one the inbound side serves: the policy let it in. */
    OTHER_PORT("opaque"),
    /** Inbound, to such a port, refused: only mTLS callers are let in (strict). */
    STRICT("refused"),
    /** Inbound, to such a port, refused: the policy lets no unauthenticated caller in. */
    POLICY("refused");

    private final String handling;

    Reason(String handling) {
      this.handling = handling;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Map<Reason, Counter> connections = new EnumMap<>(Reason.class);
  private final AtomicInteger open = new AtomicInteger();
  private final Counter toDestination;
  private final Counter fromDestination;
  private final Counter connectFailures;

  /** The outbound side's. */
  @Inject
  public OpaqueTcp(ProxyTelemetry telemetry) {
    this(telemetry.registry(), Direction.OUTBOUND);
  }

  public static OpaqueTcp inbound(ProxyTelemetry telemetry) {
    return new OpaqueTcp(telemetry.registry(), Direction.INBOUND);
  }

  OpaqueTcp(MeterRegistry registry, Direction direction) {
    for (Reason reason : Reason.values()) {
      connections.put(reason, Counter.builder("fulcrum.captured.connections")
          .description("Captured connections: balanced (gRPC to a service of the mesh), passed through as opaque TCP, or"
              + " refused, by why")
          .tags("direction", direction.label(), "handling", reason.handling,
              "reason", reason.label())
          .register(registry));
    }
    Gauge.builder("fulcrum.opaque.connections.open", open, AtomicInteger::get)
        .description("Captured connections being passed through as opaque TCP")
        .tag("direction", direction.label())
        .register(registry);
    toDestination = bytes(registry, direction, "to-destination");
    fromDestination = bytes(registry, direction, "from-destination");
    connectFailures = Counter.builder("fulcrum.opaque.connect.failures")
        .description("Opaque connections whose original destination could not be reached; the client's was closed")
        .tag("direction", direction.label())
        .register(registry);
  }

  private static Counter bytes(MeterRegistry registry, Direction direction, String flow) {
    return Counter.builder("fulcrum.opaque.bytes")
        .description("Bytes passed through opaque connections, each way")
        .baseUnit("bytes")
        .tags("direction", direction.label(), "flow", flow)
        .register(registry);
  }

  /** A captured connection was told apart. */
  public void captured(Reason reason) {
    connections.get(reason).increment();
  }

  public void opened() {
    open.incrementAndGet();
  }

  public void closed() {
    open.decrementAndGet();
  }

  public void connectFailed() {
    connectFailures.increment();
  }

  public void toDestination(int bytes) {
    toDestination.increment(bytes);
  }

  public void fromDestination(int bytes) {
    fromDestination.increment(bytes);
  }
}
