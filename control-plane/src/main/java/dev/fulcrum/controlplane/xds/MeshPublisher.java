package dev.fulcrum.controlplane.xds;

import dev.fulcrum.controlplane.mesh.MeshModel;
import java.util.List;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step before the wire: translates a model (Link by Link, reusing unchanged Links'
 * resources), checks the result, and publishes it only if every client could accept it. Otherwise the last good configuration keeps serving.
 */
@Singleton
public final class MeshPublisher {
  private static final Logger log = LoggerFactory.getLogger(MeshPublisher.class);

  private final LinkByLinkTranslation translation;
  private final XdsCache cache;
  private String lastServed;

  @Inject
  public MeshPublisher(LinkByLinkTranslation translation, XdsCache cache) {
    this.translation = translation;
    this.cache = cache;
  }

  /** Returns whether {@code model} is now served. */
  public boolean publish(MeshModel model) {
    LinkByLinkTranslation.Translated translated = translation.translate(model);
    XdsResources resources = translated.resources();
    List<String> errors = translated.errors();
    if (!errors.isEmpty()) {
      log.error("not publishing: the translated configuration would be rejected by clients: {}", errors);
      return false;
    }
    cache.publish(resources);
    String served = "serving %d Link(s): LDS %s RDS %s CDS %s EDS %s".formatted(model.links().size(),
        cache.version(XdsType.LISTENER), cache.version(XdsType.ROUTE),
        cache.version(XdsType.CLUSTER), cache.version(XdsType.ENDPOINT));
    // Sources re-deliver unchanged Links (a file's periodic re-resolution): say only what changed.
    if (!served.equals(lastServed)) {
      log.info(served);
      lastServed = served;
    }
    return true;
  }
}
