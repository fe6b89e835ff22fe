package dev.fulcrum.controlplane.authz;

import dev.fulcrum.api.link.Authorization;
import dev.fulcrum.api.link.LinkYaml.Document;
import dev.fulcrum.controlplane.mesh.LinkValidator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the Authorization documents of one delivery into the {@link Authorizations} in force,
 * never letting a bad edit open a service up: an invalid policy keeps its last good version in
 * force, and when some document could not be read at all (so it is unknown which policy it held)
 * no policy is dropped. Not thread-safe: the reconciler calls it under its own lock.
 */
public final class AuthorizationReconciler {
  private final AuthorizationValidator validator;
  private Authorizations current = Authorizations.NONE;

  public AuthorizationReconciler(AuthorizationValidator validator) {
    this.validator = validator;
  }

  /**
   * The policies for {@code documents} (those holding an Authorization); {@code someUnreadable}
   * when some document of the delivery could not be read. Errors go to {@code errors}.
   */
  public Authorizations reconcile(List<Document> documents, boolean someUnreadable, List<String> errors) {
    Map<String, MeshAuthorization> previous = new HashMap<>();
    current.enforced().forEach(policy -> previous.put(policy.id(), policy));
    Map<String, MeshAuthorization> enforced = new LinkedHashMap<>();
    Map<String, String> rejected = new HashMap<>();
    for (Document document : documents) {
      Authorization authorization = document.authorization();
      AuthorizationOrError result = validator.validate(document.label(), authorization);
      MeshAuthorization policy = result.authorization();
      String id = LinkValidator.id(authorization);
      if (!result.isValid()) {
        errors.add(result.error());
        if (id != null) {
          rejected.put(id, result.error());
        }
        policy = id == null ? null : previous.get(id);
        if (policy == null) {
          continue;
        }
        errors.add(document.label() + ": keeps enforcing the last valid version of Authorization " + id);
      }
      if (enforced.putIfAbsent(policy.id(), policy) != null) {
        errors.add(document.label() + ": metadata.name: Authorization " + policy.id() + " is declared twice; the first one is kept");
      }
    }
    if (someUnreadable) {
      previous.forEach(enforced::putIfAbsent);
    }
    current = new Authorizations(List.copyOf(enforced.values()), rejected);
    return current;
  }
}
