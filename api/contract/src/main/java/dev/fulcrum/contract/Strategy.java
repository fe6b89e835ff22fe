package dev.fulcrum.contract;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a Link picks the backend of each request. Each strategy is three names at once: the one users
 * write ({@code spec.strategy}), the grpc balancing policy Fulcrum's proxies register for it (the
 * control plane sends it as a TypedStruct type URL, gRFC A52), and the built-in policy a plain
 * grpc-xds client takes instead.
 */
public enum Strategy {
  /** Strict rotation. */
  ROUND_ROBIN("round-robin", "fulcrum.round_robin", BuiltIn.ROUND_ROBIN),
  /** The fewest requests in flight, ties at random. */
  LEAST_LOADED("least-loaded", "fulcrum.least_loaded", BuiltIn.LEAST_REQUEST),
  /** Uniformly at random. */
  RANDOM("random", "fulcrum.random", BuiltIn.ROUND_ROBIN),
  /** Linkerd's: of two random endpoints, the lower latency estimate times requests in flight. */
  PEAK_EWMA("peak-ewma", "fulcrum.peak_ewma", BuiltIn.LEAST_REQUEST);

  /** The default when a Link names none. */
  public static final Strategy DEFAULT = ROUND_ROBIN;

  /** grpc's own policies, for clients without Fulcrum's: the closest to each strategy. */
  public enum BuiltIn { ROUND_ROBIN, LEAST_REQUEST }

  private final String yamlName;
  private final String policyName;
  private final BuiltIn fallback;

  Strategy(String yamlName, String policyName, BuiltIn fallback) {
    this.yamlName = yamlName;
    this.policyName = policyName;
    this.fallback = fallback;
  }

  /** As users write it in {@code spec.strategy}; also what the Link CRD's schema lists. */
  @JsonValue
  public String yamlName() {
    return yamlName;
  }

  /** The grpc balancing policy name the proxy registers and the control plane asks for. */
  public String policyName() {
    return policyName;
  }

  public BuiltIn fallback() {
    return fallback;
  }

  public static Optional<Strategy> fromYaml(String name) {
    return Arrays.stream(values()).filter(s -> s.yamlName.equals(name)).findFirst();
  }

  /** "round-robin, least-loaded, ...": every spelling, for error messages. */
  public static String choices() {
    return Arrays.stream(values()).map(Strategy::yamlName).collect(Collectors.joining(", "));
  }
}
