package dev.fulcrum.dataplane.balance;

import dev.fulcrum.contract.Strategy;

/** {@code strategy: random}: a uniformly random endpoint (grpc-xds rejects {@code lb_policy: RANDOM}). */
public final class RandomProvider extends FulcrumLoadBalancerProvider {
  public RandomProvider() {
    super(Strategy.RANDOM);
  }
}
