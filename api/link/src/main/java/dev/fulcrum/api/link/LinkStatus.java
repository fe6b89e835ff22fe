package dev.fulcrum.api.link;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * What the control plane made of a {@link Link}, written to its status subresource.
 *
 * @param observedGeneration the {@code metadata.generation} these conditions describe
 * @param conditions {@code Accepted} (the spec is valid) and {@code ResolvedRefs} (every target
 *     has ready endpoints), in the Kubernetes style
 * @param targetsReady "ready/total" targets, for {@code kubectl get links}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinkStatus(Long observedGeneration, List<Condition> conditions, String targetsReady) {
  public static final String ACCEPTED = "Accepted";
  public static final String RESOLVED_REFS = "ResolvedRefs";
}
