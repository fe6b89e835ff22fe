package dev.fulcrum.api.link;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads {@link Link} and {@link Authorization} documents from YAML, several separated by
 * {@code ---}, exactly as users write them for {@code kubectl apply}. A document that cannot be read becomes an error naming the
 * document and the field, and does not stop the others from being read.
 */
public final class LinkYaml {
  private static final YAMLMapper MAPPER = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private static final String LINK = HasMetadata.getKind(Link.class);
  private static final String AUTHORIZATION = HasMetadata.getKind(Authorization.class);

  private LinkYaml() {}

  /**
   * One document of a YAML stream: the Link or the Authorization read from it, or why it could not
   * be read (then both are null).
   */
  public record Document(String source, int index, Link link, Authorization authorization, String error) {
    /** A Link's document, or (both null) an unreadable one. */
    public Document(String source, int index, Link link, String error) {
      this(source, index, link, null, error);
    }

    public static Document of(String source, int index, Authorization authorization) {
      return new Document(source, index, null, authorization, null);
    }

    /** "links.yaml#2", how messages name this document. */
    public String label() {
      return source + "#" + index;
    }

    /** Whether nothing could be read from it, so that it is unknown what it held. */
    public boolean unreadable() {
      return link == null && authorization == null;
    }
  }

  /**
   * Reads every document of {@code yaml}; {@code source} names the file in messages. Empty documents
   * are skipped. A syntax error ends the stream there, reported as one error document.
   */
  public static List<Document> read(String source, String yaml) {
    List<Document> documents = new ArrayList<>();
    int index = 0;
    try (MappingIterator<JsonNode> nodes = MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
      while (nodes.hasNextValue()) {
        index++;
        JsonNode node = nodes.nextValue();
        if (node == null || node.isNull() || node.isMissingNode()) {
          continue; // an empty document: "---" twice, or only a comment
        }
        documents.add(document(source, index, node));
      }
    } catch (JacksonException e) {
      // A syntax error: the rest of the stream cannot be trusted. Blame the document it is in.
      documents.add(new Document(source, Math.max(index, 1), null, describe(e)));
    }
    return documents;
  }

  private static Document document(String source, int index, JsonNode node) {
    // fabric8's CustomResource fixes apiVersion and kind from the class, so check what was written.
    String apiVersion = node.path("apiVersion").asString(null);
    if (!Link.API_VERSION.equals(apiVersion)) {
      return new Document(source, index, null, "apiVersion: must be " + Link.API_VERSION + ", not '" + apiVersion + "'");
    }
    String kind = node.path("kind").asString(null);
    try {
      if (LINK.equals(kind)) {
        return new Document(source, index, MAPPER.treeToValue(node, Link.class), null);
      }
      if (AUTHORIZATION.equals(kind)) {
        return Document.of(source, index, MAPPER.treeToValue(node, Authorization.class));
      }
      return new Document(source, index, null, "kind: must be Link or Authorization, not '" + kind + "'");
    } catch (JacksonException e) {
      return new Document(source, index, null, describe(e));
    }
  }

  /** "spec.service.port: ..." from Jackson's path, without its source excerpt. */
  private static String describe(JacksonException e) {
    String path = e.getPath().stream()
        .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
        .reduce("", (a, b) -> a.isEmpty() || b.startsWith("[") ? a + b : a + "." + b);
    String message = e.getOriginalMessage();
    int detail = message.indexOf(" at [Source");
    if (detail > 0) {
      message = message.substring(0, detail);
    }
    return path.isEmpty() ? message : path + ": " + message;
  }
}
