package dev.fulcrum.dataplane.balance;

/**
 * {@code strategy: round-robin}: strict rotation over the ready endpoints; unlike grpc's own, a
 * retry goes to an endpoint the call has not tried, within the Link's retry budget.
 */
public final class RoundRobinProvider extends FulcrumLoadBalancerProvider {
  public static final String POLICY_NAME = "fulcrum.round_robin";

  public RoundRobinProvider() {
    super(POLICY_NAME, Choice.ROUND_ROBIN);
  }
}
