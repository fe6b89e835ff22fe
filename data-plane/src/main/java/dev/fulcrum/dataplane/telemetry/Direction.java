package dev.fulcrum.dataplane.telemetry;

import java.util.Locale;

/** Which side of the sidecar a call crossed: from its application out, or from a caller in to it. */
public enum Direction {
  OUTBOUND,
  INBOUND;

  /** The metric label, {@code direction="outbound"}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
