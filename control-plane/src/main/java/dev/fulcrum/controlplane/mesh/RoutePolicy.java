package dev.fulcrum.controlplane.mesh;

import dev.fulcrum.contract.BalancingConfig;
import dev.fulcrum.contract.Limits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How calls on a route are treated.
 *
 * @param requestTimeout empty when none is set (the caller's deadline alone applies)
 * @param retryOn the codes retried; empty for none
 * @param retries how many times a call is retried at most
 * @param retryBudget the extra load retries may add, as a fraction of calls (Link-wide)
 */
public record RoutePolicy(Optional<Duration> requestTimeout, List<RetryOn> retryOn, int retries, double retryBudget) {
  /** Linkerd's default: retries may add 20% to the calls. */
  public static final double DEFAULT_RETRY_BUDGET = BalancingConfig.DEFAULT.retryBudgetRatio();
  public static final RoutePolicy NONE =
      new RoutePolicy(Optional.empty(), List.of(), Limits.DEFAULT_RETRIES, DEFAULT_RETRY_BUDGET);

  public RoutePolicy {
    retryOn = List.copyOf(retryOn);
  }

  public RoutePolicy(Optional<Duration> requestTimeout, List<RetryOn> retryOn, int retries) {
    this(requestTimeout, retryOn, retries, DEFAULT_RETRY_BUDGET);
  }
}
