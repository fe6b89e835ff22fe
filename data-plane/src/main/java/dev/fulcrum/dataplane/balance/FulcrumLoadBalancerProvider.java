package dev.fulcrum.dataplane.balance;

import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.util.Map;
import java.util.Set;

/**
 * What Fulcrum's strategy providers share: the policy name grpc looks them up by (the last part of
 * the TypedStruct type URL the control plane sends, gRFC A52) and config parsing that returns
 * errors as values.
 */
abstract class FulcrumLoadBalancerProvider extends LoadBalancerProvider {
  /** The type URL prefix; the control plane sends {@code PREFIX + policyName()}. */
  static final String TYPE_URL_PREFIX = "type.googleapis.com/";

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public int getPriority() {
    return 5;
  }

  /** The config fields this policy takes; any other is an error. */
  abstract Set<String> fields();

  /** Builds the config from fields already known to be allowed. */
  abstract ConfigOrError parse(Map<String, ?> config);

  @Override
  public final ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
    for (String field : rawConfig.keySet()) {
      if (!fields().contains(field)) {
        return ConfigOrError.fromError(Status.INTERNAL.withDescription(
            getPolicyName() + ": unknown config field '" + field + "' (known: " + fields() + ")"));
      }
    }
    return parse(rawConfig);
  }
}
