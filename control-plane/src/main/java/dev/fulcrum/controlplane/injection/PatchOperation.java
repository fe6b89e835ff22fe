package dev.fulcrum.controlplane.injection;

/** One RFC 6902 operation; serialized as {@code {"op", "path", "value"}}. */
public record PatchOperation(String op, String path, Object value) {

  public static PatchOperation add(String path, Object value) {
    return new PatchOperation("add", path, value);
  }

  /** A JSON Pointer token for {@code key}: {@code ~} and {@code /} escaped (RFC 6901). */
  public static String token(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
