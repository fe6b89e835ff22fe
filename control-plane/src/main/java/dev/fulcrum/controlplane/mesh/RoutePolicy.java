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
 */
public record RoutePolicy(Optional<Duration> requestTimeout, List<RetryOn> retryOn, int retries) {
  /** Retries when a Link lists retry-on codes but no number. */
  public static final int DEFAULT_RETRIES = 2;
  public static final int MAX_RETRIES = 10;
  public static final RoutePolicy NONE = new RoutePolicy(Optional.empty(), List.of(), DEFAULT_RETRIES);

  public RoutePolicy {
    retryOn = List.copyOf(retryOn);
  }
}
