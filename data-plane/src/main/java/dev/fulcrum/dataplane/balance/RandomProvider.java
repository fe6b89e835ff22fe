package dev.fulcrum.dataplane.balance;

import io.grpc.LoadBalancer;
import io.grpc.NameResolver.ConfigOrError;
import java.util.Map;
import java.util.Set;

/** {@code strategy: random}: a uniformly random endpoint (grpc-xds rejects {@code lb_policy: RANDOM}). */
public final class RandomProvider extends FulcrumLoadBalancerProvider {
  public static final String POLICY_NAME = "fulcrum.random";

  @Override
  public String getPolicyName() {
    return POLICY_NAME;
  }

  @Override
  Set<String> fields() {
    return Set.of();
  }

  @Override
  ConfigOrError parse(Map<String, ?> config) {
    return ConfigOrError.fromConfig(POLICY_NAME);
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return new EndpointBalancer(helper, Choice.RANDOM);
  }
}
