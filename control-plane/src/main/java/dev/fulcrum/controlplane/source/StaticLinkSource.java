package dev.fulcrum.controlplane.source;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkYaml.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A fixed set of Links, such as the one the proxy's quick form generates. */
public final class StaticLinkSource implements LinkSource {
  private final String name;
  private final List<Link> links;

  public StaticLinkSource(String name, List<Link> links) {
    this.name = name;
    this.links = List.copyOf(links);
  }

  @Override
  public void start(Consumer<List<Document>> onChange) {
    List<Document> documents = new ArrayList<>();
    for (int i = 0; i < links.size(); i++) {
      documents.add(new Document(name, i + 1, links.get(i), null));
    }
    onChange.accept(documents);
  }

  @Override
  public void close() {}
}
