package dev.fulcrum.controlplane.mesh;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkSpec;
import dev.fulcrum.api.link.LinkSpec.TargetRef;
import dev.fulcrum.api.link.Durations;
import dev.fulcrum.api.link.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.inject.Inject;

/**
 * Checks one {@link Link}'s metadata and spec field by field and converts it to a {@link MeshLink}. Every problem is
 * reported, each prefixed with the field's path, so that a user fixes them all in one go.
 */
public final class LinkValidator {
  /** A DNS name (RFC 1123 labels) or an IPv4 literal; IPv6 literals in brackets are not needed here. */
  private static final Pattern HOST = Pattern.compile(
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
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
      List<Target> targets = targets(spec.target(), errors);
      Strategy strategy = strategy(spec.strategy(), errors);
      Policy policy = spec.policy();
      Optional<Duration> timeout = timeout(policy == null ? null : policy.requestTimeout(), errors);
      List<RetryOn> retryOn = retryOn(policy == null ? null : policy.retryOn(), errors);
      if (errors.isEmpty()) {
        valid = new MeshLink(id(link), service, targets, strategy, timeout, retryOn);
      }
    }
    if (!errors.isEmpty()) {
      return LinkOrError.error(label + (name == null ? "" : " (Link " + name + ")") + ": " + String.join("; ", errors));
    }
    return LinkOrError.of(valid);
  }

  /** namespace/name: how Links are told apart (file-mode Links live in "default"); null without a name. */
  public static String id(Link link) {
    if (link.getMetadata() == null || link.getMetadata().getName() == null) {
      return null;
    }
    String namespace = link.getMetadata().getNamespace();
    return (namespace == null ? DEFAULT_NAMESPACE : namespace) + "/" + link.getMetadata().getName();
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

  private static List<Target> targets(List<TargetRef> refs, List<String> errors) {
    if (refs == null || refs.isEmpty()) {
      errors.add("spec.target: at least one target is required");
      return List.of();
    }
    List<Target> targets = new ArrayList<>();
    Set<Target> seen = new HashSet<>();
    for (int i = 0; i < refs.size(); i++) {
      String field = "spec.target[" + i + "]";
      TargetRef ref = refs.get(i);
      if (ref == null) {
        errors.add(field + ": is empty");
        continue;
      }
      if (host(field + ".name", ref.name(), errors) & port(field + ".port", ref.port(), errors)) {
        Target target = new Target(ref.name(), ref.port());
        if (!seen.add(target)) {
          errors.add(field + ": " + target + " is listed twice");
        }
        targets.add(target);
      }
    }
    return targets;
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

  private static Optional<Duration> timeout(String text, List<String> errors) {
    if (text == null) {
      return Optional.empty();
    }
    Optional<Duration> timeout = Durations.parse(text);
    if (timeout.isEmpty() || timeout.get().isZero() || timeout.get().isNegative()) {
      errors.add("spec.policy.request-timeout: '" + text + "' is not a positive duration such as 5s, 250ms or 1m30s");
    }
    return timeout;
  }

  private static List<RetryOn> retryOn(List<String> names, List<String> errors) {
    if (names == null) {
      return List.of();
    }
    List<RetryOn> codes = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Optional<RetryOn> code = RetryOn.fromYaml(name);
      if (code.isEmpty()) {
        errors.add("spec.policy.retry-on[" + i + "]: '" + name + "' cannot be retried on; use one of " + RetryOn.choices());
      } else if (!codes.contains(code.get())) {
        codes.add(code.get());
      }
    }
    return codes;
  }

  private static boolean host(String field, String host, List<String> errors) {
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

  private static boolean port(String field, Integer port, List<String> errors) {
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
