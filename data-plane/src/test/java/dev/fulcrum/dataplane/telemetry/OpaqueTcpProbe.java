package dev.fulcrum.dataplane.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;

/** An outbound {@link OpaqueTcp} on a registry of the test's, and what it counted. */
public final class OpaqueTcpProbe {
  private final MeterRegistry registry;
  private final OpaqueTcp telemetry;

  public OpaqueTcpProbe(MeterRegistry registry) {
    this.registry = registry;
    this.telemetry = new OpaqueTcp(registry, Direction.OUTBOUND);
  }

  public OpaqueTcp telemetry() {
    return telemetry;
  }

  public long captured(OpaqueTcp.Reason reason) {
    return (long) registry.get("fulcrum.captured.connections").tag("reason", reason.label()).counter().count();
  }

  /** Captured connections, whatever was made of them. */
  public long total() {
    return Arrays.stream(OpaqueTcp.Reason.values()).mapToLong(this::captured).sum();
  }

  public long bytes(String flow) {
    return (long) registry.get("fulcrum.opaque.bytes").tag("flow", flow).counter().count();
  }

  public long connectFailures() {
    return (long) registry.get("fulcrum.opaque.connect.failures").counter().count();
  }

  @Override
  public String toString() {
    return "to-destination " + bytes("to-destination") + ", from-destination " + bytes("from-destination");
  }
}
