package dev.fulcrum.controlplane.xds;

import dev.fulcrum.controlplane.mesh.MeshModel;
import java.util.List;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step before the wire: translates a model, checks the result, and publishes it only if
 * every client could accept it. Otherwise the last good configuration keeps serving.
 */
@Singleton
public final class MeshPublisher {
  private static final Logger log = LoggerFactory.getLogger(MeshPublisher.class);

  private final XdsTranslator translator;
  private final XdsResourceValidator validator;
  private final XdsCache cache;

  @Inject
  public MeshPublisher(XdsTranslator translator, XdsResourceValidator validator, XdsCache cache) {
    this.translator = translator;
    this.validator = validator;
    this.cache = cache;
  }

  /** Returns whether {@code model} is now served. */
  public boolean publish(MeshModel model) {
    XdsResources resources = translator.translate(model);
    List<String> errors = validator.validate(resources);
    if (!errors.isEmpty()) {
      log.error("not publishing: the translated configuration would be rejected by clients: {}", errors);
      return false;
    }
    cache.publish(resources);
    log.info("serving {} Link(s): LDS {} RDS {} CDS {} EDS {}", model.links().size(),
        cache.version(XdsType.LISTENER), cache.version(XdsType.ROUTE),
        cache.version(XdsType.CLUSTER), cache.version(XdsType.ENDPOINT));
    return true;
  }
}
