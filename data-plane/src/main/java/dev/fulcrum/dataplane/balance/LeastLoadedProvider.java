package dev.fulcrum.dataplane.balance;

import io.grpc.LoadBalancer;
import io.grpc.NameResolver.ConfigOrError;
import java.util.Map;
import java.util.Set;

/** {@code strategy: least-loaded}: the endpoint with the fewest requests in flight, exactly. */
public final class LeastLoadedProvider extends FulcrumLoadBalancerProvider {
  public static final String POLICY_NAME = "fulcrum.least_loaded";

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
    return new EndpointBalancer(helper, Choice.LEAST_LOADED);
  }
}
