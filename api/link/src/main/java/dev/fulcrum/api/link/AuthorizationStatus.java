package dev.fulcrum.api.link;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * What the control plane made of an {@link Authorization}, written to its status subresource.
 *
 * @param observedGeneration the {@code metadata.generation} these conditions describe
 * @param conditions {@code Accepted}, as a Link's ({@link LinkStatus#ACCEPTED})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthorizationStatus(Long observedGeneration, List<Condition> conditions) {}
