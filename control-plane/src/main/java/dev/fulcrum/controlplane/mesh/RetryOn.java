package dev.fulcrum.controlplane.mesh;

import java.util.Optional;

/**
 * The gRPC status codes a Link may retry on: exactly those grpc-xds honours in a route's
 * {@code retry_on} (gRFC A44); anything else would be silently ignored by the client, so it is
 * rejected instead.
 */
public enum RetryOn implements YamlName {
  CANCELLED("cancelled"),
  DEADLINE_EXCEEDED("deadline-exceeded"),
  INTERNAL("internal"),
  RESOURCE_EXHAUSTED("resource-exhausted"),
  UNAVAILABLE("unavailable");

  private final String yamlName;

  RetryOn(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The name users write in {@code spec.policy.retry-on}, which is also the xDS name. */
  @Override
  public String yamlName() {
    return yamlName;
  }

  public static Optional<RetryOn> fromYaml(String name) {
    return YamlName.find(RetryOn.class, name);
  }

  public static String choices() {
    return YamlName.choices(RetryOn.class);
  }
}
