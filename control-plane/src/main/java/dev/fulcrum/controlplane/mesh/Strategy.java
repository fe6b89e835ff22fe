package dev.fulcrum.controlplane.mesh;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How a Link picks the backend for each request. */
public enum Strategy {
  ROUND_ROBIN("round-robin"),
  LEAST_LOADED("least-loaded"),
  RANDOM("random");

  private final String yamlName;

  Strategy(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The name users write in {@code spec.strategy}. */
  public String yamlName() {
    return yamlName;
  }

  public static Optional<Strategy> fromYaml(String name) {
    return Arrays.stream(values()).filter(s -> s.yamlName.equals(name)).findFirst();
  }

  /** "round-robin, least-loaded, random", for error messages. */
  public static String choices() {
    return Arrays.stream(values()).map(Strategy::yamlName).collect(Collectors.joining(", "));
  }
}
