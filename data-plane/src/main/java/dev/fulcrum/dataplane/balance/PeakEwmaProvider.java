package dev.fulcrum.dataplane.balance;

import io.grpc.LoadBalancer;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code strategy: peak-ewma}, Linkerd's default: of two random endpoints, the one whose latency
 * estimate times requests in flight is lower. Config: {@code decay_ms}, {@code default_rtt_ms}.
 */
public final class PeakEwmaProvider extends FulcrumLoadBalancerProvider {
  public static final String POLICY_NAME = "fulcrum.peak_ewma";

  @Override
  public String getPolicyName() {
    return POLICY_NAME;
  }

  @Override
  Set<String> fields() {
    return Set.of("decay_ms", "default_rtt_ms");
  }

  @Override
  ConfigOrError parse(Map<String, ?> config) {
    PeakEwmaConfig defaults = PeakEwmaConfig.DEFAULT;
    Long decay = millis(config, "decay_ms", defaults.decayNanos());
    Long rtt = millis(config, "default_rtt_ms", defaults.initialLatencyNanos());
    if (decay == null || rtt == null || decay <= 0) {
      return ConfigOrError.fromError(Status.INTERNAL.withDescription(POLICY_NAME
          + ": decay_ms must be a positive number and default_rtt_ms a number of milliseconds, got " + config));
    }
    return ConfigOrError.fromConfig(new PeakEwmaConfig(decay, rtt));
  }

  /** A field in milliseconds as nanoseconds; the default if absent; null if not a non-negative number. */
  private static Long millis(Map<String, ?> config, String field, long defaultNanos) {
    Object value = config.get(field);
    if (value == null) {
      return defaultNanos;
    }
    if (!(value instanceof Number number) || number.doubleValue() < 0) {
      return null;
    }
    return (long) (number.doubleValue() * TimeUnit.MILLISECONDS.toNanos(1));
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return new EndpointBalancer(helper, Choice.PEAK_EWMA);
  }
}
