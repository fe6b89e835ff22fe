package dev.fulcrum.dataplane.balance;

/** {@code strategy: least-loaded}: the endpoint with the fewest requests in flight, exactly. */
public final class LeastLoadedProvider extends FulcrumLoadBalancerProvider {
  public static final String POLICY_NAME = "fulcrum.least_loaded";

  public LeastLoadedProvider() {
    super(POLICY_NAME, Choice.LEAST_LOADED);
  }
}
