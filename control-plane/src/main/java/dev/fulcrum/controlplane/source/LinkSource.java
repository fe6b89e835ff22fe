package dev.fulcrum.controlplane.source;

import dev.fulcrum.api.link.LinkYaml.Document;
import dev.fulcrum.controlplane.mesh.EndpointResolver;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where Links come from. A source hands over the complete set of documents each time anything
 * changes; it never touches xDS.
 */
public interface LinkSource extends AutoCloseable {

  /**
   * Delivers the current documents to {@code onChange} before returning, then again after every
   * change, always from one thread at a time.
   */
  void start(Consumer<List<Document>> onChange) throws Exception;

  /** How the targets of this source's Links find their endpoints. */
  default EndpointResolver endpointResolver() {
    return new DnsEndpointResolver();
  }

  @Override
  void close();
}
