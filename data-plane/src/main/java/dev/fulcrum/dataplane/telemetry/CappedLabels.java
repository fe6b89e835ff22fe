package dev.fulcrum.dataplane.telemetry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Metric label values that callers choose (services, methods): the first {@code capacity} distinct
 * values are kept as they are, and every later one is {@link #OTHER}, so that a caller sending
 * endless new names cannot grow the proxy's series, its memory or its {@code /metrics} without bound.
 */
final class CappedLabels {
  static final String OTHER = "other";

  private final int capacity;
  private final Set<String> kept = ConcurrentHashMap.newKeySet();

  CappedLabels(int capacity) {
    this.capacity = capacity;
  }

  String of(String value) {
    if (kept.contains(value)) {
      return value;
    }
    // Racing threads may overshoot the size check by a few: the bound is capacity plus threads.
    if (kept.size() < capacity && kept.add(value)) {
      return value;
    }
    return kept.contains(value) ? value : OTHER;
  }
}
