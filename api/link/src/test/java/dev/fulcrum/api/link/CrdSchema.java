package dev.fulcrum.api.link;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Applies the rules of a CRD's OpenAPI v3 schema that the Link CRD uses (type, required,
 * properties without unknown fields, enum, pattern, maxLength, minimum, maximum, minItems) to a
 * document, the way the API server does at {@code kubectl apply}: one message per violation,
 * naming the field. Not a general validator: a keyword it does not know fails the check, so a
 * schema that grows past it cannot pass silently.
 */
final class CrdSchema {
  private static final Set<String> KNOWN = Set.of("type", "properties", "required", "items", "enum",
      "pattern", "maxLength", "minimum", "maximum", "minItems", "format", "description");
  private static final Set<String> METADATA_AND_TYPE = Set.of("apiVersion", "kind", "metadata");

  private final JsonNode schema;

  CrdSchema(JsonNode openApiV3Schema) {
    this.schema = openApiV3Schema;
  }

  /** The violations of {@code resource}; empty if the API server would accept it. */
  List<String> check(JsonNode resource) {
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : resource.properties()) {
      if (!METADATA_AND_TYPE.contains(field.getKey())) {
        check(schema.path("properties").path(field.getKey()), field.getValue(), field.getKey(), errors);
      }
    }
    return errors;
  }

  private void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
    if (schema.isMissingNode()) {
      errors.add(path + ": field not declared in the schema");
      return;
    }
    for (String keyword : schema.propertyNames()) {
      if (!KNOWN.contains(keyword)) {
        throw new IllegalStateException(path + ": schema keyword '" + keyword + "' is not checked here");
      }
    }
    String type = schema.path("type").asString("");
    if (!hasType(value, type)) {
      errors.add(path + ": must be of type " + type);
      return;
    }
    if (schema.has("enum") && !schema.get("enum").valueStream().anyMatch(value::equals)) {
      errors.add(path + ": Unsupported value " + value + ": supported values: " + schema.get("enum"));
    }
    if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asString()).matcher(value.asString()).find()) {
      errors.add(path + ": " + value + " should match '" + schema.get("pattern").asString() + "'");
    }
    if (schema.has("maxLength") && value.asString().length() > schema.get("maxLength").asInt()) {
      errors.add(path + ": may not be longer than " + schema.get("maxLength").asInt());
    }
    if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
      errors.add(path + ": should be greater than or equal to " + schema.get("minimum").asInt());
    }
    if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
      errors.add(path + ": should be less than or equal to " + schema.get("maximum").asInt());
    }
    if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
      errors.add(path + ": should have at least " + schema.get("minItems").asInt() + " items");
    }
    if (type.equals("array")) {
      for (int i = 0; i < value.size(); i++) {
        check(schema.path("items"), value.get(i), path + "[" + i + "]", errors);
      }
    }
    if (type.equals("object")) {
      schema.path("required").valueStream().map(JsonNode::asString)
          .filter(name -> !value.has(name))
          .forEach(name -> errors.add(path + "." + name + ": Required value"));
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        check(schema.path("properties").path(field.getKey()), field.getValue(), path + "." + field.getKey(), errors);
      }
    }
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isString();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> throw new IllegalStateException("schema type '" + type + "' is not checked here");
    };
  }
}
