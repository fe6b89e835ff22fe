package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.api.link.Authorization;
import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkYaml.Document;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Links and Authorizations in the cluster as the documents the pipeline reads. Each Link's target name is qualified with
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

  /** Documents for {@code links}, then {@code authorizations}, each in a stable order (by namespace/name). */
  List<Document> of(List<Link> links, List<Authorization> authorizations) {
    Map<String, Converted> next = new HashMap<>();
    List<Document> documents = new ArrayList<>();
    for (Link link : links.stream().sorted(Comparator.comparing(LinkDocuments::id)).toList()) {
      Converted previous = converted.get(id(link));
      Converted current = previous != null && previous.from() == link ? previous : new Converted(link, document(link));
      next.put(id(link), current);
      documents.add(current.document());
    }
    converted = next;
    for (Authorization authorization : authorizations.stream().sorted(Comparator.comparing(LinkDocuments::id)).toList()) {
      documents.add(Document.of(id(authorization), generation(authorization), authorization));
    }
    return documents;
  }

  static String id(HasMetadata resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  /** How documents of {@code resource} are labelled in messages: {@code namespace/name#generation}. */
  static String label(HasMetadata resource) {
    return id(resource) + "#" + generation(resource);
  }

  private static int generation(HasMetadata resource) {
    Long generation = resource.getMetadata().getGeneration();
    return generation == null ? 1 : generation.intValue();
  }

  private Document document(Link link) {
    return new Document(id(link), generation(link), qualified(link), null);
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
