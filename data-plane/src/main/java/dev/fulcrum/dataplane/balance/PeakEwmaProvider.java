package dev.fulcrum.dataplane.balance;

import dev.fulcrum.contract.Strategy;

/**
 * {@code strategy: peak-ewma}, Linkerd's default: of two random endpoints, the one whose latency
 * estimate times requests in flight is lower. Tuned by {@code decay_ms} and {@code default_rtt_ms}.
 */
public final class PeakEwmaProvider extends FulcrumLoadBalancerProvider {
  public PeakEwmaProvider() {
    super(Strategy.PEAK_EWMA);
  }
}
