package dev.fulcrum.controlplane.mesh;

import java.util.Optional;

/** How a Link picks the backend for each request. */
public enum Strategy implements YamlName {
  ROUND_ROBIN("round-robin"),
  LEAST_LOADED("least-loaded"),
  RANDOM("random"),
  PEAK_EWMA("peak-ewma");

  private final String yamlName;

  Strategy(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The name users write in {@code spec.strategy}. */
  @Override
  public String yamlName() {
    return yamlName;
  }

  public static Optional<Strategy> fromYaml(String name) {
    return YamlName.find(Strategy.class, name);
  }

  public static String choices() {
    return YamlName.choices(Strategy.class);
  }
}
