package dev.fulcrum.contract;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The config every Fulcrum balancing policy carries (the fields of its TypedStruct): the retry
 * budget, and peak-EWMA's tuning. The control plane writes it with {@link #toStruct()}; grpc hands
 * the proxy's policy the same fields as JSON values, read back by {@link #parse(Map)}.
 *
 * @param retryBudgetRatio the extra load retries may add, as a share of calls (Link-wide)
 * @param minRetriesPerSecond retries always allowed, however few the calls
 * @param decay how fast a peak-EWMA latency estimate forgets a slow call
 * @param defaultRtt what an endpoint not yet measured is assumed to take
 */
public record BalancingConfig(double retryBudgetRatio, int minRetriesPerSecond, Duration decay, Duration defaultRtt) {
  /** Linkerd's defaults: retries may add 20%, plus 10 a second. */
  public static final BalancingConfig DEFAULT =
      new BalancingConfig(0.2, 10, Duration.ofSeconds(10), Duration.ofMillis(30));

  static final String RETRY_BUDGET_RATIO = "retry_budget_ratio";
  static final String MIN_RETRIES_PER_SECOND = "min_retries_per_second";
  static final String DECAY_MS = "decay_ms";
  static final String DEFAULT_RTT_MS = "default_rtt_ms";
  static final Set<String> FIELDS = Set.of(RETRY_BUDGET_RATIO, MIN_RETRIES_PER_SECOND, DECAY_MS, DEFAULT_RTT_MS);

  public BalancingConfig {
    if (!(retryBudgetRatio >= 0) || minRetriesPerSecond < 0 || decay.isNegative() || decay.isZero()
        || defaultRtt.isNegative()) {
      throw new IllegalArgumentException(RETRY_BUDGET_RATIO + ", " + MIN_RETRIES_PER_SECOND + ", " + DECAY_MS
          + " (> 0) and " + DEFAULT_RTT_MS + " must be non-negative numbers");
    }
  }

  /** The defaults with another retry budget (what a Link sets). */
  public static BalancingConfig withRetryBudget(double ratio) {
    return new BalancingConfig(ratio, DEFAULT.minRetriesPerSecond, DEFAULT.decay, DEFAULT.defaultRtt);
  }

  public Struct toStruct() {
    return Struct.newBuilder()
        .putFields(RETRY_BUDGET_RATIO, number(retryBudgetRatio))
        .putFields(MIN_RETRIES_PER_SECOND, number(minRetriesPerSecond))
        .putFields(DECAY_MS, number(decay.toNanos() / 1e6))
        .putFields(DEFAULT_RTT_MS, number(defaultRtt.toNanos() / 1e6))
        .build();
  }

  /**
   * Reads a policy's JSON config; a field left out takes its default. Throws
   * {@link IllegalArgumentException} naming the field for an unknown or invalid one.
   */
  public static BalancingConfig parse(Map<String, ?> config) {
    for (String field : config.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException("unknown config field '" + field + "' (known: " + FIELDS.stream().sorted().toList() + ")");
      }
    }
    double ratio = number(config, RETRY_BUDGET_RATIO, DEFAULT.retryBudgetRatio);
    double minPerSecond = number(config, MIN_RETRIES_PER_SECOND, DEFAULT.minRetriesPerSecond);
    double decayMs = number(config, DECAY_MS, DEFAULT.decay.toNanos() / 1e6);
    double rttMs = number(config, DEFAULT_RTT_MS, DEFAULT.defaultRtt.toNanos() / 1e6);
    if (decayMs == 0) {
      throw new IllegalArgumentException(DECAY_MS + ": must be above 0");
    }
    return new BalancingConfig(ratio, (int) minPerSecond,
        Duration.ofNanos((long) (decayMs * 1e6)), Duration.ofNanos((long) (rttMs * 1e6)));
  }

  /** A field's value, the default if absent. */
  private static double number(Map<String, ?> config, String field, double defaultValue) {
    Object value = config.get(field);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Number n && n.doubleValue() >= 0) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException(field + ": must be a non-negative number, got " + value);
  }

  private static Value number(double value) {
    return Value.newBuilder().setNumberValue(value).build();
  }
}
