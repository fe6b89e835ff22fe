package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.api.link.Authorization;
import dev.fulcrum.api.link.AuthorizationStatus;
import dev.fulcrum.api.link.LinkStatus;
import dev.fulcrum.controlplane.authz.MeshAuthorization;
import dev.fulcrum.controlplane.mesh.MeshModel;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An Authorization's status, from the model built from it (a pure function): {@code Accepted} True
 * when its current spec is enforced; False with the validation error naming the field (reason
 * {@code Invalid}), saying whether its last valid version keeps being enforced.
 */
final class AuthorizationConditions {
  private AuthorizationConditions() {}

  /** Every Authorization's status under {@code model}. */
  static Function<Authorization, AuthorizationStatus> of(MeshModel model, Instant now) {
    Set<String> enforced = model.authorizations().enforced().stream().map(MeshAuthorization::id).collect(Collectors.toSet());
    return authorization -> of(authorization, enforced.contains(LinkDocuments.id(authorization)), model, now);
  }

  private static AuthorizationStatus of(Authorization authorization, boolean enforced, MeshModel model, Instant now) {
    Long generation = authorization.getMetadata().getGeneration();
    List<Condition> previous = authorization.getStatus() == null || authorization.getStatus().conditions() == null
        ? List.of() : authorization.getStatus().conditions();
    String rejection = model.authorizations().rejected().get(LinkDocuments.id(authorization));
    Condition accepted = rejection == null
        ? LinkConditions.condition(LinkStatus.ACCEPTED, true, "Accepted", "the Authorization is valid and enforced",
            generation, previous, now)
        : LinkConditions.condition(LinkStatus.ACCEPTED, false, "Invalid",
            LinkConditions.withoutLabel(rejection, authorization)
                + (enforced ? " (the last valid version of this Authorization keeps being enforced)" : ""),
            generation, previous, now);
    return new AuthorizationStatus(generation, List.of(accepted));
  }
}
