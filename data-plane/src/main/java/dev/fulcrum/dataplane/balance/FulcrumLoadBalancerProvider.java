package dev.fulcrum.dataplane.balance;

import dev.fulcrum.contract.BalancingConfig;
import dev.fulcrum.contract.Strategy;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.util.Map;

/**
 * One of Fulcrum's strategies as a grpc balancing policy: registered under the strategy's policy
 * name, which the control plane puts at the end of a TypedStruct type URL (gRFC A52); its config
 * (the contract's {@link BalancingConfig}) parsed with errors as values; its balancer an
 * {@link EndpointBalancer} making the strategy's {@link Choice}.
 */
abstract class FulcrumLoadBalancerProvider extends LoadBalancerProvider {
  private final Strategy strategy;
  private final Choice choice;

  FulcrumLoadBalancerProvider(Strategy strategy) {
    this.strategy = strategy;
    this.choice = Choice.of(strategy);
  }

  @Override
  public final String getPolicyName() {
    return strategy.policyName();
  }

  /** How it chooses (for tests: every strategy chooses its own way). */
  Choice choice() {
    return choice;
  }

  @Override
  public final boolean isAvailable() {
    return true;
  }

  @Override
  public final int getPriority() {
    return 5;
  }

  @Override
  public final ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
    try {
      return ConfigOrError.fromConfig(BalancingConfig.parse(rawConfig));
    } catch (IllegalArgumentException e) {
      return ConfigOrError.fromError(Status.INTERNAL.withDescription(getPolicyName() + ": " + e.getMessage()));
    }
  }

  @Override
  public final LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return new EndpointBalancer(helper, choice);
  }
}
