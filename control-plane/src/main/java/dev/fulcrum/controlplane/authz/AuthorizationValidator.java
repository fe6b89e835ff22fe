package dev.fulcrum.controlplane.authz;

import dev.fulcrum.api.link.Authorization;
import dev.fulcrum.api.link.AuthorizationSpec;
import dev.fulcrum.controlplane.mesh.LinkValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.inject.Inject;

/**
 * Checks one {@link Authorization} field by field and converts it to a {@link MeshAuthorization}.
 * Every problem is reported, each prefixed with the field's path, as the Link's validator does:
 * a policy that is wrong anywhere is refused whole, so that a bad edit never opens a service up.
 */
public final class AuthorizationValidator {
  /** A namespace, as Kubernetes names one (a DNS label). */
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  @Inject
  public AuthorizationValidator() {}

  /** Validates {@code authorization}, read from the document that {@code label} names. */
  public AuthorizationOrError validate(String label, Authorization authorization) {
    List<String> errors = new ArrayList<>();
    String name = authorization.getMetadata() == null ? null : authorization.getMetadata().getName();
    if (name == null || name.isBlank()) {
      errors.add("metadata.name: is required");
    }
    AuthorizationSpec spec = authorization.getSpec();
    MeshAuthorization valid = null;
    if (spec == null) {
      errors.add("spec: is required");
    } else {
      String server = server(spec.server(), errors);
      Optional<Integer> port = spec.server() == null ? Optional.empty() : port(spec.server().port(), errors);
      MeshAuthorization.Mode mode = mode(spec.mode(), errors);
      List<MeshAuthorization.Rule> rules = rules(spec.rules(), errors);
      if (errors.isEmpty()) {
        valid = new MeshAuthorization(LinkValidator.id(authorization), server, port, mode, rules);
      }
    }
    if (!errors.isEmpty()) {
      return AuthorizationOrError.error(label + (name == null ? "" : " (Authorization " + name + ")") + ": "
          + String.join("; ", errors));
    }
    return AuthorizationOrError.of(valid);
  }

  private static String server(AuthorizationSpec.ServerRef server, List<String> errors) {
    if (server == null) {
      errors.add("spec.server: is required");
      return null;
    }
    return identity("spec.server.identity", server.identity(), errors) ? server.identity() : null;
  }

  private static Optional<Integer> port(Integer port, List<String> errors) {
    if (port == null) {
      return Optional.empty();
    }
    if (port < 1 || port > 65535) {
      errors.add("spec.server.port: " + port + " is not a port (1-65535)");
    }
    return Optional.of(port);
  }

  private static MeshAuthorization.Mode mode(String mode, List<String> errors) {
    if (mode == null) {
      return MeshAuthorization.Mode.ENFORCE;
    }
    for (MeshAuthorization.Mode known : MeshAuthorization.Mode.values()) {
      if (known.name().toLowerCase(Locale.ROOT).equals(mode)) {
        return known;
      }
    }
    errors.add("spec.mode: '" + mode + "' is neither enforce nor audit");
    return null;
  }

  private static List<MeshAuthorization.Rule> rules(List<AuthorizationSpec.Rule> rules, List<String> errors) {
    if (rules == null || rules.isEmpty()) {
      errors.add("spec.rules: at least one rule is required");
      return List.of();
    }
    List<MeshAuthorization.Rule> valid = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      String field = "spec.rules[" + i + "]";
      AuthorizationSpec.Rule rule = rules.get(i);
      if (rule == null) {
        errors.add(field + ": is empty");
        continue;
      }
      MeshAuthorization.Callers callers = callers(field + ".from", rule.from(), errors);
      List<String> methods = methods(field + ".methods", rule.methods(), errors);
      if (callers != null) {
        valid.add(new MeshAuthorization.Rule(callers, methods));
      }
    }
    return valid;
  }

  private static MeshAuthorization.Callers callers(String field, AuthorizationSpec.From from, List<String> errors) {
    if (from == null) {
      errors.add(field + ": is required (identities, or unauthenticated: true)");
      return null;
    }
    List<String> identities = from.identities() == null ? List.of() : from.identities();
    boolean unauthenticated = Boolean.TRUE.equals(from.unauthenticated());
    if (identities.isEmpty() && !unauthenticated) {
      errors.add(field + ": names no caller (identities, or unauthenticated: true)");
      return null;
    }
    for (int i = 0; i < identities.size(); i++) {
      caller(field + ".identities[" + i + "]", identities.get(i), errors);
    }
    return new MeshAuthorization.Callers(identities, unauthenticated);
  }

  /** {@code NS/SA}, {@code NS/*} or {@code *}. */
  private static void caller(String field, String caller, List<String> errors) {
    if ("*".equals(caller)) {
      return;
    }
    if (caller != null && caller.endsWith("/*")) {
      String namespace = caller.substring(0, caller.length() - 2);
      if (!NAMESPACE.matcher(namespace).matches() || namespace.length() > 63) {
        errors.add(field + ": '" + caller + "' is not NAMESPACE/* (the namespace a DNS label)");
      }
      return;
    }
    identity(field, caller, errors);
  }

  private static boolean identity(String field, String identity, List<String> errors) {
    if (identity == null) {
      errors.add(field + ": is required");
      return false;
    }
    return LinkValidator.identity(field, identity, errors).isPresent();
  }

  private static List<String> methods(String field, List<String> methods, List<String> errors) {
    if (methods == null || methods.isEmpty()) {
      errors.add(field + ": at least one method is required (/pkg.Service/Method, /pkg.Service/*, or * for all)");
      return List.of();
    }
    for (int i = 0; i < methods.size(); i++) {
      String method = methods.get(i);
      if (method == null || !("*".equals(method) || LinkValidator.METHOD.matcher(method).matches())) {
        errors.add(field + "[" + i + "]: '" + method + "' is not /pkg.Service/Method, /pkg.Service/* or *");
      }
    }
    return methods;
  }
}
