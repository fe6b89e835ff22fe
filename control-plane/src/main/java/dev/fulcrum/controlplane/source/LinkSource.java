package dev.fulcrum.controlplane.source;

import dev.fulcrum.api.link.LinkYaml.Document;
import dev.fulcrum.controlplane.injection.NamespaceLabels;
import dev.fulcrum.controlplane.mesh.EndpointResolver;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.ServiceAliases;
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

  /** The other names by which clients reach a Link's service; none unless the source has a naming rule. */
  default ServiceAliases serviceAliases() {
    return ServiceAliases.NONE;
  }

  /**
   * The proxies this source sees where they run, whichever control plane replica they are connected
   * to, so that every replica's dashboard can show them all; none unless the source watches where
   * proxies run. Read from a cache: must not block.
   */
  default List<KnownProxy> knownProxies() {
    return List.of();
  }

  /** The labels of the namespaces this source sees, for the injector; none unless it sees namespaces. */
  default NamespaceLabels namespaceLabels() {
    return NamespaceLabels.NONE;
  }

  /**
   * Told what became of the documents after each delivery (what is served, what was refused and
   * why), so that a source with somewhere to report it can: Kubernetes writes each Link's status.
   * Called on the delivering thread; must not block.
   */
  default void reconciled(MeshModel model) {}

  @Override
  void close();
}
