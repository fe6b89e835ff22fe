package dev.fulcrum.controlplane.mesh;

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
  /** Retries when a Link lists retry-on codes but no number. */
  public static final int DEFAULT_RETRIES = 2;
  public static final int MAX_RETRIES = 10;
  /** Linkerd's default: retries may add 20% to the calls. */
  public static final double DEFAULT_RETRY_BUDGET = 0.2;
  public static final RoutePolicy NONE =
      new RoutePolicy(Optional.empty(), List.of(), DEFAULT_RETRIES, DEFAULT_RETRY_BUDGET);

  public RoutePolicy {
    retryOn = List.copyOf(retryOn);
  }

  public RoutePolicy(Optional<Duration> requestTimeout, List<RetryOn> retryOn, int retries) {
    this(requestTimeout, retryOn, retries, DEFAULT_RETRY_BUDGET);
  }
}
