package dev.fulcrum.dataplane.balance;

import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The config the control plane sends with every Fulcrum policy (the TypedStruct's fields): the
 * retry budget, and peak-EWMA's tuning (how fast a latency estimate forgets a slow call; what an
 * endpoint not yet measured is assumed to take). Defaults are Linkerd's.
 */
record BalancerConfig(double retryBudgetRatio, int minRetriesPerSecond, long decayNanos, long initialLatencyNanos) {
  static final BalancerConfig DEFAULT =
      new BalancerConfig(0.2, 10, TimeUnit.SECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(30));
  static final Set<String> FIELDS =
      Set.of("retry_budget_ratio", "min_retries_per_second", "decay_ms", "default_rtt_ms");

  /** Parses {@code fields} of a policy's JSON config; errors name the policy and the field. */
  static ConfigOrError parse(String policy, Map<String, ?> config) {
    for (String field : config.keySet()) {
      if (!FIELDS.contains(field)) {
        return error(policy, "unknown config field '" + field + "' (known: " + FIELDS + ")");
      }
    }
    Double ratio = number(config, "retry_budget_ratio", DEFAULT.retryBudgetRatio());
    Double minPerSecond = number(config, "min_retries_per_second", DEFAULT.minRetriesPerSecond());
    Double decayMs = number(config, "decay_ms", DEFAULT.decayNanos() / 1e6);
    Double rttMs = number(config, "default_rtt_ms", DEFAULT.initialLatencyNanos() / 1e6);
    if (ratio == null || minPerSecond == null || decayMs == null || rttMs == null || decayMs == 0) {
      return error(policy, "retry_budget_ratio, min_retries_per_second, decay_ms (> 0) and default_rtt_ms"
          + " must be non-negative numbers, got " + config);
    }
    return ConfigOrError.fromConfig(new BalancerConfig(ratio, minPerSecond.intValue(),
        (long) (decayMs * 1e6), (long) (rttMs * 1e6)));
  }

  /** A field's value, the default if absent, null if not a non-negative number. */
  private static Double number(Map<String, ?> config, String field, double defaultValue) {
    Object value = config.get(field);
    if (value == null) {
      return defaultValue;
    }
    return value instanceof Number n && n.doubleValue() >= 0 ? n.doubleValue() : null;
  }

  private static ConfigOrError error(String policy, String message) {
    return ConfigOrError.fromError(Status.INTERNAL.withDescription(policy + ": " + message));
  }
}
