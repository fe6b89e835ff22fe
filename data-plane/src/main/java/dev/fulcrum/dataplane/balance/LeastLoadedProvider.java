package dev.fulcrum.dataplane.balance;

import dev.fulcrum.contract.Strategy;

/** {@code strategy: least-loaded}: the endpoint with the fewest requests in flight, exactly. */
public final class LeastLoadedProvider extends FulcrumLoadBalancerProvider {
  public LeastLoadedProvider() {
    super(Strategy.LEAST_LOADED);
  }
}
