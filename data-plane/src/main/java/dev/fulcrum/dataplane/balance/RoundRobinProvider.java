package dev.fulcrum.dataplane.balance;

import dev.fulcrum.contract.Strategy;

/**
 * {@code strategy: round-robin}: strict rotation over the ready endpoints; unlike grpc's own, a
 * retry goes to an endpoint the call has not tried, within the Link's retry budget.
 */
public final class RoundRobinProvider extends FulcrumLoadBalancerProvider {
  public RoundRobinProvider() {
    super(Strategy.ROUND_ROBIN);
  }
}
