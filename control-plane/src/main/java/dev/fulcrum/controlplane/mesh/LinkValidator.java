package dev.fulcrum.controlplane.mesh;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkSpec.RouteSpec;
import dev.fulcrum.api.link.LinkSpec.TargetRef;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.api.link.LinkSpec;
import dev.fulcrum.api.link.Policy;
import dev.fulcrum.contract.Durations;
import dev.fulcrum.contract.Limits;
import dev.fulcrum.contract.Strategy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.inject.Inject;

/**
 * Checks one {@link Link}'s metadata and spec field by field and converts it to a {@link MeshLink}.
 * Every problem is reported, each prefixed with the field's path, so that a user fixes them all in
 * one go.
 */
public final class LinkValidator {
  /** A DNS name (RFC 1123 labels) or an IPv4 literal; IPv6 literals in brackets are not needed here. */
  private static final Pattern HOST = Pattern.compile(
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  /** {@code /pkg.Service/Method} or {@code /pkg.Service/*}, as gRPC paths are written (an Authorization's methods too). */
  public static final Pattern METHOD = Pattern.compile("/[A-Za-z_][\\w.]*/([A-Za-z_]\\w*|\\*)");
  private static final Pattern PERCENT = Pattern.compile("\\d+(\\.\\d+)?%");
  public static final String DEFAULT_NAMESPACE = "default";

  @Inject
  public LinkValidator() {}

  /** Validates {@code link}, read from the document that {@code label} names. */
  public LinkOrError validate(String label, Link link) {
    List<String> errors = new ArrayList<>();
    String name = link.getMetadata() == null ? null : link.getMetadata().getName();
    if (name == null || name.isBlank()) {
      errors.add("metadata.name: is required");
    }
    LinkSpec spec = link.getSpec();
    MeshLink valid = null;
    if (spec == null) {
      errors.add("spec: is required");
    } else {
      Authority service = service(spec, errors);
      Strategy strategy = strategy(spec.strategy(), errors);
      Backends backends = backends("spec.target", spec.target(), errors);
      RoutePolicy policy = policy("spec.policy", spec.policy(), RoutePolicy.NONE, errors);
      List<MethodRoute> routes = routes(spec.routes(), backends, policy, errors);
      if (errors.isEmpty()) {
        valid = new MeshLink(id(link), service, strategy, backends, policy, routes);
      }
    }
    if (!errors.isEmpty()) {
      return LinkOrError.error(label + (name == null ? "" : " (Link " + name + ")") + ": " + String.join("; ", errors));
    }
    return LinkOrError.of(valid);
  }

  /**
   * namespace/name: how Links (and Authorizations) are told apart (file-mode resources live in
   * "default"); null without a name.
   */
  public static String id(HasMetadata resource) {
    if (resource.getMetadata() == null || resource.getMetadata().getName() == null) {
      return null;
    }
    String namespace = resource.getMetadata().getNamespace();
    return (namespace == null ? DEFAULT_NAMESPACE : namespace) + "/" + resource.getMetadata().getName();
  }

  private static Authority service(LinkSpec spec, List<String> errors) {
    if (spec.service() == null) {
      errors.add("spec.service: is required");
      return null;
    }
    boolean hostOk = host("spec.service.name", spec.service().name(), errors);
    boolean portOk = port("spec.service.port", spec.service().port(), errors);
    return hostOk && portOk ? new Authority(spec.service().name(), spec.service().port()) : null;
  }

  private static Strategy strategy(String strategy, List<String> errors) {
    if (strategy == null) {
      return Strategy.ROUND_ROBIN;
    }
    return Strategy.fromYaml(strategy).orElseGet(() -> {
      errors.add("spec.strategy: '" + strategy + "' is not one of " + Strategy.choices());
      return null;
    });
  }

  /** Targets under {@code field}: at least one, none twice, weights on all of them or on none. */
  private static Backends backends(String field, List<TargetRef> refs, List<String> errors) {
    if (refs == null || refs.isEmpty()) {
      errors.add(field + ": at least one target is required");
      return Backends.of(List.of());
    }
    List<Target> targets = new ArrayList<>();
    List<Integer> weights = new ArrayList<>();
    Set<Target> seen = new HashSet<>();
    long weighted = refs.stream().filter(ref -> ref != null && ref.weight() != null).count();
    for (int i = 0; i < refs.size(); i++) {
      String item = field + "[" + i + "]";
      TargetRef ref = refs.get(i);
      if (ref == null) {
        errors.add(item + ": is empty");
        continue;
      }
      Optional<String> identity = identity(item + ".identity", ref.identity(), errors);
      if (host(item + ".name", ref.name(), errors) & port(item + ".port", ref.port(), errors)) {
        Target target = new Target(ref.name(), ref.port(), identity);
        if (!seen.add(target)) {
          errors.add(item + ": " + target + " is listed twice");
        }
        targets.add(target);
      }
      if (weighted > 0 && ref.weight() == null) {
        errors.add(item + ".weight: is required when another target has a weight");
      } else if (ref.weight() != null && (ref.weight() < 0 || ref.weight() > 1_000_000)) {
        errors.add(item + ".weight: " + ref.weight() + " is not a weight (0-1000000)");
      }
      weights.add(ref.weight());
    }
    if (weighted == 0) {
      // One pool, one cluster: and xDS sets TLS per cluster, so it is all meshed or all plaintext.
      // Counted as written, so that a malformed identity is one error, not two.
      long meshed = refs.stream().filter(ref -> ref != null && ref.identity() != null).count();
      if (meshed > 0 && meshed < refs.size()) {
        errors.add(field + ": " + meshed + " of its " + refs.size() + " targets have an identity and the rest do not;"
            + " targets pooled together are all reached over mTLS or all in plaintext (give them weights to split"
            + " traffic between meshed and plaintext targets)");
      }
      return Backends.of(targets);
    }
    if (weights.stream().allMatch(w -> w == null || w == 0)) {
      errors.add(field + ": the weights add up to 0; at least one target must take traffic");
    }
    return errors.isEmpty() ? new Backends(targets, weights) : Backends.of(targets);
  }

  /** A policy under {@code field}; what it leaves out comes from {@code inherited}. */
  private static RoutePolicy policy(String field, Policy policy, RoutePolicy inherited, List<String> errors) {
    if (policy == null) {
      return inherited;
    }
    Optional<Duration> timeout = inherited.requestTimeout();
    if (policy.requestTimeout() != null) {
      timeout = Durations.parse(policy.requestTimeout());
      if (timeout.isEmpty() || timeout.get().isZero() || timeout.get().isNegative()) {
        errors.add(field + ".request-timeout: '" + policy.requestTimeout()
            + "' is not a positive duration such as 5s, 250ms or 1m30s");
      }
    }
    List<RetryOn> retryOn = policy.retryOn() == null ? inherited.retryOn() : retryOn(field, policy.retryOn(), errors);
    int retries = inherited.retries();
    if (policy.retries() != null) {
      retries = policy.retries();
      if (retries < 0 || retries > Limits.MAX_RETRIES) {
        errors.add(field + ".retries: " + retries + " is not between 0 and " + Limits.MAX_RETRIES);
      }
    }
    double budget = inherited.retryBudget();
    if (policy.retryBudget() != null) {
      if (!field.equals("spec.policy")) {
        errors.add(field + ".retry-budget: the budget is Link-wide; set it in spec.policy");
      } else if (!PERCENT.matcher(policy.retryBudget()).matches()
          || Double.parseDouble(policy.retryBudget().replace("%", "")) > 100) {
        errors.add(field + ".retry-budget: '" + policy.retryBudget() + "' is not a percentage from 0% to 100%");
      } else {
        budget = Double.parseDouble(policy.retryBudget().replace("%", "")) / 100;
      }
    }
    return new RoutePolicy(timeout, retryOn, retries, budget);
  }

  private static List<RetryOn> retryOn(String field, List<String> names, List<String> errors) {
    List<RetryOn> codes = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Optional<RetryOn> code = RetryOn.fromYaml(name);
      if (code.isEmpty()) {
        errors.add(field + ".retry-on[" + i + "]: '" + name + "' cannot be retried on; use one of " + RetryOn.choices());
      } else if (!codes.contains(code.get())) {
        codes.add(code.get());
      }
    }
    return codes;
  }

  private static List<MethodRoute> routes(List<RouteSpec> specs, Backends defaults, RoutePolicy policy, List<String> errors) {
    if (specs == null) {
      return List.of();
    }
    List<MethodRoute> routes = new ArrayList<>();
    Set<String> methods = new HashSet<>();
    for (int i = 0; i < specs.size(); i++) {
      String field = "spec.routes[" + i + "]";
      RouteSpec spec = specs.get(i);
      if (spec == null) {
        errors.add(field + ": is empty");
        continue;
      }
      if (spec.method() == null) {
        errors.add(field + ".method: is required");
      } else if (!METHOD.matcher(spec.method()).matches()) {
        errors.add(field + ".method: '" + spec.method() + "' is not /package.Service/Method or /package.Service/*");
      } else if (!methods.add(spec.method())) {
        errors.add(field + ".method: " + spec.method() + " has a route already");
      }
      Backends backends = spec.target() == null ? defaults : backends(field + ".target", spec.target(), errors);
      routes.add(new MethodRoute(spec.method(), backends, policy(field + ".policy", spec.policy(), policy, errors)));
    }
    return routes;
  }

  /**
   * A workload identity as written, NAMESPACE/SERVICEACCOUNT, if there is one and it is valid (a
   * meshed target's; an Authorization's too); an error naming {@code field} if it is not.
   */
  public static Optional<String> identity(String field, String identity, List<String> errors) {
    if (identity == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(SpiffeId.ofWorkload(identity, SpiffeId.DEFAULT_TRUST_DOMAIN).workload());
    } catch (IllegalArgumentException e) {
      errors.add(field + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /** Whether {@code host} is a DNS name or IPv4 address; an error naming {@code field} if not. */
  public static boolean host(String field, String host, List<String> errors) {
    if (host == null || host.isEmpty()) {
      errors.add(field + ": is required");
      return false;
    }
    if (host.length() > 253 || !HOST.matcher(host).matches()) {
      errors.add(field + ": '" + host + "' is not a valid host name (lower-case DNS name or IPv4 address)");
      return false;
    }
    return true;
  }

  /** Whether {@code port} is given and a port; an error naming {@code field} if not. */
  public static boolean port(String field, Integer port, List<String> errors) {
    if (port == null) {
      errors.add(field + ": is required");
      return false;
    }
    if (port < 1 || port > 65535) {
      errors.add(field + ": " + port + " is not a port (1-65535)");
      return false;
    }
    return true;
  }
}
