package dev.fulcrum.controlplane.mesh;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** An enum constant as users spell it in a Link ({@code round-robin}, {@code deadline-exceeded}). */
interface YamlName {

  String yamlName();

  static <E extends Enum<E> & YamlName> Optional<E> find(Class<E> type, String name) {
    return Arrays.stream(type.getEnumConstants()).filter(e -> e.yamlName().equals(name)).findFirst();
  }

  /** "a, b, c": every spelling, for error messages. */
  static <E extends Enum<E> & YamlName> String choices(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(YamlName::yamlName).collect(Collectors.joining(", "));
  }
}
