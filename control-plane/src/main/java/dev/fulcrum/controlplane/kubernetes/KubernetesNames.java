package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.controlplane.mesh.Authority;
import dev.fulcrum.controlplane.mesh.ServiceAliases;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How Kubernetes names a Service: {@code name} inside its namespace, and {@code name.ns},
 * {@code name.ns.svc}, {@code name.ns.svc.CLUSTER-DOMAIN} from anywhere. Targets and services of
 * Links are read with these rules.
 */
public final class KubernetesNames implements ServiceAliases {
  public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private final String clusterDomain;

  public KubernetesNames(String clusterDomain) {
    this.clusterDomain = clusterDomain;
  }

  /** A Service, by namespace and name. */
  public record ServiceName(String namespace, String name) {
    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  /**
   * The Service {@code host} names, for a Link in {@code namespace}; empty if {@code host} is not one
   * of the four forms (an outside name such as {@code api.example.com}).
   */
  public Optional<ServiceName> service(String host, String namespace) {
    String[] labels = host.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return Optional.empty();
      }
    }
    boolean fullyQualified = host.equals(labels[0] + "." + (labels.length > 1 ? labels[1] : "") + ".svc." + clusterDomain);
    return switch (labels.length) {
      case 1 -> Optional.of(new ServiceName(namespace, labels[0]));
      case 2 -> Optional.of(new ServiceName(labels[1], labels[0]));
      case 3 -> labels[2].equals("svc") ? Optional.of(new ServiceName(labels[1], labels[0])) : Optional.empty();
      default -> fullyQualified ? Optional.of(new ServiceName(labels[1], labels[0])) : Optional.empty();
    };
  }

  /**
   * A target's name as the model keys it: {@code name.ns}, unique across namespaces (a bare
   * {@code name} means the Link's namespace). A name that is no Service name is left as written,
   * for validation to report or resolution to refuse.
   */
  public String qualify(String target, String namespace) {
    return service(target, namespace).map(s -> s.name() + "." + s.namespace()).orElse(target);
  }

  /** The other three forms of a Service name; the bare name only for a Link in the Service's namespace. */
  @Override
  public List<Authority> of(String namespace, Authority service) {
    Optional<ServiceName> name = service(service.host(), namespace);
    if (name.isEmpty()) {
      return List.of();
    }
    String base = name.get().name() + "." + name.get().namespace();
    List<String> forms = new ArrayList<>();
    if (name.get().namespace().equals(namespace)) {
      forms.add(name.get().name());
    }
    forms.addAll(List.of(base, base + ".svc", base + ".svc." + clusterDomain));
    return forms.stream()
        .filter(form -> !form.equals(service.host()))
        .map(form -> new Authority(form, service.port()))
        .toList();
  }
}
