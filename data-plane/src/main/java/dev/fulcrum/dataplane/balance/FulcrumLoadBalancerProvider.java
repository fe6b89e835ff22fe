package dev.fulcrum.dataplane.balance;

import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver.ConfigOrError;
import java.util.Map;

/**
 * One of Fulcrum's strategies as a grpc balancing policy: registered under the name the control
 * plane puts at the end of a TypedStruct type URL (gRFC A52), its config parsed with errors as
 * values, its balancer an {@link EndpointBalancer} making one {@link Choice}.
 */
abstract class FulcrumLoadBalancerProvider extends LoadBalancerProvider {
  private final String policyName;
  private final Choice choice;

  FulcrumLoadBalancerProvider(String policyName, Choice choice) {
    this.policyName = policyName;
    this.choice = choice;
  }

  @Override
  public final String getPolicyName() {
    return policyName;
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
    return BalancerConfig.parse(policyName, rawConfig);
  }

  @Override
  public final LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return new EndpointBalancer(helper, choice);
  }
}
