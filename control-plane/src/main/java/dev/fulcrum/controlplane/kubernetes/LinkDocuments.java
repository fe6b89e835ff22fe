package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkYaml.Document;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Links in the cluster as the documents the pipeline reads. Each target name is qualified with
 * the Link's namespace ({@code name} becomes {@code name.ns}), so that targets of Links in two
 * namespaces never mix in the model and the resolver knows where to look. A document is labelled
 * {@code namespace/name#generation}; it is converted again only when its Link object changes.
 */
final class LinkDocuments {
  private final KubernetesNames names;
  private final KubernetesSerialization serialization;
  /** The last conversion per Link, reused while the informer holds the same object. */
  private Map<String, Converted> converted = new HashMap<>();

  private record Converted(Link from, Document document) {}

  LinkDocuments(KubernetesNames names, KubernetesSerialization serialization) {
    this.names = names;
    this.serialization = serialization;
  }

  /** Documents for {@code links}, in a stable order (by namespace/name). */
  List<Document> of(List<Link> links) {
    Map<String, Converted> next = new HashMap<>();
    List<Document> documents = new ArrayList<>();
    for (Link link : links.stream().sorted(Comparator.comparing(LinkDocuments::id)).toList()) {
      Converted previous = converted.get(id(link));
      Converted current = previous != null && previous.from() == link ? previous : new Converted(link, document(link));
      next.put(id(link), current);
      documents.add(current.document());
    }
    converted = next;
    return documents;
  }

  static String id(Link link) {
    return link.getMetadata().getNamespace() + "/" + link.getMetadata().getName();
  }

  /** How documents of {@code link} are labelled in messages. */
  static String label(Link link) {
    Long generation = link.getMetadata().getGeneration();
    return id(link) + "#" + (generation == null ? 1 : generation);
  }

  private Document document(Link link) {
    Long generation = link.getMetadata().getGeneration();
    return new Document(id(link), generation == null ? 1 : generation.intValue(), qualified(link), null);
  }

  /** A copy with qualified target names; through the JSON form, so fields added to the spec carry over. */
  @SuppressWarnings("unchecked")
  private Link qualified(Link link) {
    Map<String, Object> tree = serialization.convertValue(link, Map.class);
    Object spec = tree.get("spec");
    if (spec instanceof Map<?, ?> specMap && specMap.get("target") instanceof List<?> targets) {
      for (Object target : targets) {
        if (target instanceof Map<?, ?> ref && ref.get("name") instanceof String name) {
          ((Map<String, Object>) ref).put("name", names.qualify(name, link.getMetadata().getNamespace()));
        }
      }
    }
    return serialization.convertValue(tree, Link.class);
  }
}
