package dev.fulcrum.dataplane.balance;

/** {@code strategy: random}: a uniformly random endpoint (grpc-xds rejects {@code lb_policy: RANDOM}). */
public final class RandomProvider extends FulcrumLoadBalancerProvider {
  public static final String POLICY_NAME = "fulcrum.random";

  public RandomProvider() {
    super(POLICY_NAME, Choice.RANDOM);
  }
}
