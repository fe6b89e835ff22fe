package dev.fulcrum.dataplane.balance;

/**
 * {@code strategy: peak-ewma}, Linkerd's default: of two random endpoints, the one whose latency
 * estimate times requests in flight is lower. Tuned by {@code decay_ms} and {@code default_rtt_ms}.
 */
public final class PeakEwmaProvider extends FulcrumLoadBalancerProvider {
  public static final String POLICY_NAME = "fulcrum.peak_ewma";

  public PeakEwmaProvider() {
    super(POLICY_NAME, Choice.PEAK_EWMA);
  }
}
