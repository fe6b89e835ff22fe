package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkStatus;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.MeshLink;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.Target;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A Link's status, from the model built from it (a pure function):
 * <ul>
 *   <li>{@code Accepted}: True when the Link's current spec is served; False with the validation
 *       error naming the field (reason {@code Invalid}) or the Link it conflicts with (reason
 *       {@code Conflicted}).</li>
 *   <li>{@code ResolvedRefs}: True when every target has ready endpoints; otherwise False naming
 *       each target that has none and why (reason {@code NoReadyEndpoints} or {@code Unresolved}).</li>
 * </ul>
 * A condition keeps its lastTransitionTime while its status stays the same, as Kubernetes expects.
 */
final class LinkConditions {
  private LinkConditions() {}

  static LinkStatus of(Link link, MeshModel model, Instant now) {
    String id = LinkDocuments.id(link);
    return of(link, model.links().stream().filter(l -> l.id().equals(id)).findFirst(), model, now);
  }

  /** Every Link's status under {@code model}, its served Links found once for all. */
  static Function<Link, LinkStatus> of(MeshModel model, Instant now) {
    Map<String, MeshLink> served = new HashMap<>();
    model.links().forEach(link -> served.put(link.id(), link));
    return link -> of(link, Optional.ofNullable(served.get(LinkDocuments.id(link))), model, now);
  }

  /** The same, given the version of the Link the model serves (found once for many Links by the caller). */
  static LinkStatus of(Link link, Optional<MeshLink> served, MeshModel model, Instant now) {
    String id = LinkDocuments.id(link);
    Long generation = link.getMetadata().getGeneration();
    List<Condition> previous = link.getStatus() == null || link.getStatus().conditions() == null
        ? List.of() : link.getStatus().conditions();

    String rejection = model.rejected().get(id);
    Condition accepted;
    if (rejection == null) {
      accepted = condition(LinkStatus.ACCEPTED, true, "Accepted", "the Link is valid and served", generation, previous, now);
    } else {
      String message = withoutLabel(rejection, link)
          + (served.isPresent() ? " (the last valid version of this Link keeps serving)" : "");
      String reason = rejection.contains("is already served by") ? "Conflicted" : "Invalid";
      accepted = condition(LinkStatus.ACCEPTED, false, reason, message, generation, previous, now);
    }

    Condition resolved;
    String targetsReady = null;
    if (served.isEmpty()) {
      resolved = condition(LinkStatus.RESOLVED_REFS, false, "NotServed", "the Link is not served", generation, previous, now);
    } else {
      List<String> problems = new ArrayList<>();
      boolean unresolved = false;
      int ready = 0;
      for (Target target : served.get().targets()) {
        String why = model.unresolved().get(target);
        long healthy = model.endpointsOf(target).stream().filter(Endpoint::healthy).count();
        if (why != null) {
          unresolved = true;
          problems.add("target " + target + ": " + why);
        } else if (healthy == 0) {
          problems.add("target " + target + ": Service has no ready endpoints");
        } else {
          ready++;
        }
      }
      int total = served.get().targets().size();
      targetsReady = ready + "/" + total;
      resolved = problems.isEmpty()
          ? condition(LinkStatus.RESOLVED_REFS, true, "ResolvedRefs",
              "all " + total + " target(s) have ready endpoints", generation, previous, now)
          : condition(LinkStatus.RESOLVED_REFS, false, unresolved ? "Unresolved" : "NoReadyEndpoints",
              ready + " of " + total + " target(s) have ready endpoints; " + String.join("; ", problems),
              generation, previous, now);
    }
    return new LinkStatus(generation, List.of(accepted, resolved), targetsReady);
  }

  /** The reconciler's message without the document label, which the status does not need. */
  static String withoutLabel(String message, CustomResource<?, ?> resource) {
    String label = LinkDocuments.label(resource);
    for (String prefix : List.of(label + " (" + resource.getKind() + " " + resource.getMetadata().getName() + "): ", label + ": ")) {
      if (message.startsWith(prefix)) {
        return message.substring(prefix.length());
      }
    }
    return message;
  }

  static Condition condition(String type, boolean status, String reason, String message,
      Long generation, List<Condition> previous, Instant now) {
    String value = status ? "True" : "False";
    String since = previous.stream()
        .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .findFirst()
        .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }
}
