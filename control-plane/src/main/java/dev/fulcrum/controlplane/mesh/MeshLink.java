package dev.fulcrum.controlplane.mesh;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A validated Link: every field checked and converted, ready to translate.
 *
 * @param id namespace/name, unique among Links
 * @param requestTimeout empty when the Link sets none (the caller's deadline alone applies)
 */
public record MeshLink(
    String id,
    Authority service,
    List<Target> targets,
    Strategy strategy,
    Optional<Duration> requestTimeout,
    List<RetryOn> retryOn) {

  public MeshLink {
    targets = List.copyOf(targets);
    retryOn = List.copyOf(retryOn);
  }
}
