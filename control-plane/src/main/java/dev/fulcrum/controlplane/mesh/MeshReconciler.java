package dev.fulcrum.controlplane.mesh;

import dev.fulcrum.api.link.LinkYaml.Document;
import dev.fulcrum.controlplane.authz.AuthorizationReconciler;
import dev.fulcrum.controlplane.authz.AuthorizationValidator;
import dev.fulcrum.controlplane.authz.Authorizations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Turns the documents a source read into the next {@link MeshModel}, never losing a working Link
 * to a bad edit: an invalid Link keeps serving its last good version, and when a document cannot
 * be read at all (so it is unknown which Link it held) no Link is removed. Authorizations are
 * kept the same way ({@link AuthorizationReconciler}).
 */
@Singleton
public final class MeshReconciler {
  private final LinkValidator validator;
  private final EndpointResolver resolver;
  private final ServiceAliases serviceAliases;
  private final AuthorizationReconciler authorizations = new AuthorizationReconciler(new AuthorizationValidator());
  private MeshModel current = MeshModel.EMPTY;

  @Inject
  public MeshReconciler(LinkValidator validator, EndpointResolver resolver, ServiceAliases serviceAliases) {
    this.validator = validator;
    this.resolver = resolver;
    this.serviceAliases = serviceAliases;
  }

  public MeshReconciler(LinkValidator validator, EndpointResolver resolver) {
    this(validator, resolver, ServiceAliases.NONE);
  }

  public synchronized MeshModel current() {
    return current;
  }

  /**
   * Checks documents without resolving anything: the errors a file would have, for a command that
   * must refuse a bad file before it starts.
   */
  public static List<String> check(List<Document> documents) {
    return new MeshReconciler(new LinkValidator(), target -> List.of()).reconcile(documents).errors();
  }

  /** Computes, remembers and returns the model for the complete set of {@code documents}. */
  public synchronized MeshModel reconcile(List<Document> documents) {
    Map<String, MeshLink> previous = new HashMap<>();
    current.links().forEach(link -> previous.put(link.id(), link));
    Map<String, MeshLink> links = new LinkedHashMap<>();
    Map<Authority, String> owners = new HashMap<>();
    List<String> errors = new ArrayList<>();
    Map<String, String> rejected = new HashMap<>();
    boolean unreadable = false;
    List<Document> policies = new ArrayList<>();

    for (Document document : documents) {
      if (document.unreadable()) {
        unreadable = true;
        errors.add(document.label() + ": " + document.error());
        continue;
      }
      if (document.authorization() != null) {
        policies.add(document);
        continue;
      }
      LinkOrError result = validator.validate(document.label(), document.link());
      MeshLink link = result.link();
      if (!result.isValid()) {
        errors.add(result.error());
        String id = LinkValidator.id(document.link());
        if (id != null) {
          rejected.put(id, result.error());
        }
        link = id == null ? null : previous.get(id);
        if (link == null) {
          continue;
        }
        errors.add(document.label() + ": keeps serving the last valid version of Link " + link.id());
      }
      if (links.containsKey(link.id())) {
        errors.add(document.label() + ": metadata.name: Link " + link.id() + " is declared twice; the first one is kept");
        continue;
      }
      String owner = owners.putIfAbsent(link.service(), link.id());
      if (owner != null) {
        String error = document.label() + ": spec.service: " + link.service() + " is already served by Link " + owner;
        errors.add(error);
        rejected.putIfAbsent(link.id(), error);
        continue;
      }
      links.put(link.id(), link);
    }
    if (unreadable) {
      // Unknown which Links the unreadable documents held: keep every one that was serving.
      previous.forEach((id, link) -> {
        if (!links.containsKey(id) && owners.putIfAbsent(link.service(), id) == null) {
          links.put(id, link);
        }
      });
    }

    Map<String, List<Authority>> aliases = aliases(links, owners);
    Map<Target, List<Endpoint>> endpoints = new HashMap<>();
    Map<Target, String> unresolved = new HashMap<>();
    for (MeshLink link : links.values()) {
      for (Target target : link.targets()) {
        if (!endpoints.containsKey(target)) {
          endpoints.put(target, resolve(link, target, errors, unresolved));
        }
      }
    }
    Authorizations enforced = authorizations.reconcile(policies, unreadable, errors);
    current = new MeshModel(List.copyOf(links.values()), endpoints, errors, rejected, unresolved, aliases, enforced);
    return current;
  }

  /** Each Link's aliases that no Link claims as its service, and no earlier Link as an alias. */
  private Map<String, List<Authority>> aliases(Map<String, MeshLink> links, Map<Authority, String> owners) {
    Map<String, List<Authority>> aliases = new HashMap<>();
    Map<Authority, String> claimed = new HashMap<>(owners);
    for (MeshLink link : links.values()) {
      String namespace = link.id().substring(0, link.id().indexOf('/'));
      List<Authority> free = serviceAliases.of(namespace, link.service()).stream()
          .filter(alias -> claimed.putIfAbsent(alias, link.id()) == null)
          .toList();
      if (!free.isEmpty()) {
        aliases.put(link.id(), free);
      }
    }
    return aliases;
  }

  private List<Endpoint> resolve(MeshLink link, Target target, List<String> errors, Map<Target, String> unresolved) {
    try {
      return resolver.resolve(target);
    } catch (EndpointResolver.UnresolvedTargetException e) {
      errors.add("Link " + link.id() + ": target " + target + ": " + e.getMessage());
      unresolved.put(target, e.getMessage());
      return List.of();
    }
  }
}
