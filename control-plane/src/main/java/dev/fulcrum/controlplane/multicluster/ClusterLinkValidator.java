package dev.fulcrum.controlplane.multicluster;

import dev.fulcrum.api.link.ClusterLink;
import dev.fulcrum.api.link.ClusterLinkSpec;
import dev.fulcrum.api.link.LinkSchema;
import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.Durations;
import dev.fulcrum.controlplane.mesh.LinkValidator;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.inject.Inject;

/**
 * Checks one {@link ClusterLink} field by field, reads the kubeconfig its Secret holds, and
 * converts both to a {@link RemoteCluster}. Every problem is reported, each prefixed with the
 * field's path, as the Link's validator does; a link that is wrong anywhere is refused whole and
 * the others are not affected.
 */
public final class ClusterLinkValidator {
  private static final Pattern DNS_LABEL = Pattern.compile(LinkSchema.DNS_LABEL);

  @Inject
  public ClusterLinkValidator() {}

  /** Validates {@code link}, its Secret looked up by name in the link's namespace with {@code secrets}. */
  public RemoteClusterOrError validate(ClusterLink link, Function<String, Optional<Secret>> secrets) {
    List<String> errors = new ArrayList<>();
    String id = LinkValidator.id(link);
    if (id == null) {
      errors.add("metadata.name: is required");
    }
    ClusterLinkSpec spec = link.getSpec();
    RemoteCluster valid = null;
    if (spec == null) {
      errors.add("spec: is required");
    } else {
      String name = clusterName(spec.cluster(), errors);
      String domain = spec.cluster() == null || spec.cluster().domain() == null
          ? ClusterLinkSpec.ClusterRef.DEFAULT_DOMAIN : spec.cluster().domain();
      if (spec.cluster() != null && spec.cluster().domain() != null) {
        LinkValidator.host("spec.cluster.domain", domain, errors);
      }
      Optional<Config> apiServer = apiServer(namespace(link), spec.credentials(), secrets, errors);
      Optional<RemoteCluster.Gateway> gateway = gateway(spec.gateway(), spec.probe(), errors);
      if (errors.isEmpty()) {
        valid = new RemoteCluster(id, name, domain, apiServer.orElseThrow(), gateway);
      }
    }
    if (!errors.isEmpty()) {
      return RemoteClusterOrError.error("ClusterLink " + Objects.requireNonNullElse(id, "(no name)") + ": "
          + String.join("; ", errors));
    }
    return RemoteClusterOrError.of(valid);
  }

  private static String namespace(ClusterLink link) {
    return link.getMetadata() == null || link.getMetadata().getNamespace() == null
        ? LinkValidator.DEFAULT_NAMESPACE : link.getMetadata().getNamespace();
  }

  private static String clusterName(ClusterLinkSpec.ClusterRef cluster, List<String> errors) {
    if (cluster == null || cluster.name() == null) {
      errors.add("spec.cluster.name: is required");
      return null;
    }
    clusterNameProblem(cluster.name()).ifPresent(problem -> errors.add("spec.cluster.name: " + problem));
    return cluster.name();
  }

  /** Why {@code name} cannot name a cluster, if it cannot: the CLI that writes ClusterLinks asks too. */
  public static Optional<String> clusterNameProblem(String name) {
    if (name.length() > ClusterLinkSpec.ClusterRef.MAX_NAME || !DNS_LABEL.matcher(name).matches()) {
      return Optional.of("'" + name + "' is not a DNS label of at most " + ClusterLinkSpec.ClusterRef.MAX_NAME
          + " characters (it suffixes mirrored Services' names)");
    }
    return Optional.empty();
  }

  /** The remote API server as the Secret's kubeconfig says, read with its current context. */
  private static Optional<Config> apiServer(String namespace, ClusterLinkSpec.Credentials credentials,
                                            Function<String, Optional<Secret>> secrets, List<String> errors) {
    if (credentials == null || credentials.secret() == null) {
      errors.add("spec.credentials.secret: is required");
      return Optional.empty();
    }
    String key = Objects.requireNonNullElse(credentials.key(), ClusterLinkSpec.Credentials.DEFAULT_KEY);
    String where = "Secret " + namespace + "/" + credentials.secret();
    Optional<Secret> secret = secrets.apply(credentials.secret());
    if (secret.isEmpty()) {
      errors.add("spec.credentials.secret: no " + where);
      return Optional.empty();
    }
    String encoded = secret.get().getData() == null ? null : secret.get().getData().get(key);
    if (encoded == null || encoded.isEmpty()) {
      errors.add("spec.credentials.key: " + where + " has no key '" + key + "'");
      return Optional.empty();
    }
    String field = "spec.credentials: " + where + " key '" + key + "'";
    String kubeconfig;
    try {
      kubeconfig = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      errors.add(field + " is not base64");
      return Optional.empty();
    }
    io.fabric8.kubernetes.api.model.Config model;
    try {
      model = Serialization.unmarshal(kubeconfig, io.fabric8.kubernetes.api.model.Config.class);
    } catch (RuntimeException e) {
      errors.add(field + " is not a kubeconfig (" + firstLine(e) + ")");
      return Optional.empty();
    }
    Optional<String> problem = serverProblem(model);
    if (problem.isPresent()) {
      errors.add(field + ": " + problem.get());
      return Optional.empty();
    }
    try {
      return Optional.of(Config.fromKubeconfig(kubeconfig));
    } catch (RuntimeException e) {
      errors.add(field + " is not a kubeconfig (" + firstLine(e) + ")");
      return Optional.empty();
    }
  }

  /** What keeps {@code kubeconfig}'s current context from naming a server, if anything. */
  private static Optional<String> serverProblem(io.fabric8.kubernetes.api.model.Config kubeconfig) {
    String current = kubeconfig == null ? null : kubeconfig.getCurrentContext();
    if (current == null || current.isEmpty()) {
      return Optional.of("has no current-context");
    }
    Optional<NamedContext> context = kubeconfig.getContexts().stream().filter(c -> current.equals(c.getName())).findFirst();
    if (context.isEmpty() || context.get().getContext() == null) {
      return Optional.of("current-context '" + current + "' is not among its contexts");
    }
    String cluster = context.get().getContext().getCluster();
    Optional<NamedCluster> named = kubeconfig.getClusters().stream().filter(c -> c.getName().equals(cluster)).findFirst();
    if (named.isEmpty() || named.get().getCluster() == null || named.get().getCluster().getServer() == null) {
      return Optional.of("context '" + current + "' names no cluster with a server");
    }
    return Optional.empty();
  }

  private static Optional<RemoteCluster.Gateway> gateway(ClusterLinkSpec.GatewayRef gateway, ClusterLinkSpec.Probe probe,
                                                         List<String> errors) {
    if (gateway == null) {
      if (probe != null) {
        errors.add("spec.probe: there is no spec.gateway to probe");
      }
      return Optional.empty();
    }
    boolean valid = LinkValidator.host("spec.gateway.address", gateway.address(), errors);
    valid &= LinkValidator.port("spec.gateway.port", gateway.port(), errors);
    if (gateway.identity() == null) {
      errors.add("spec.gateway.identity: is required");
      valid = false;
    }
    Optional<String> identity = LinkValidator.identity("spec.gateway.identity", gateway.identity(), errors);
    ClusterLinkSpec.Probe given = probe == null ? new ClusterLinkSpec.Probe(null, null, null) : probe;
    String path = Objects.requireNonNullElse(given.path(), ClusterLinkSpec.Probe.DEFAULT_PATH);
    if (!path.startsWith("/")) {
      errors.add("spec.probe.path: '" + path + "' does not start with /");
      valid = false;
    }
    int probePort = Objects.requireNonNullElse(given.port(), AdminPaths.DEFAULT_PORT);
    valid &= LinkValidator.port("spec.probe.port", probePort, errors);
    String periodText = Objects.requireNonNullElse(given.period(), ClusterLinkSpec.Probe.DEFAULT_PERIOD);
    Optional<Duration> period = Durations.parse(periodText).filter(d -> !d.isZero());
    if (period.isEmpty()) {
      errors.add("spec.probe.period: '" + periodText + "' is not a duration above zero (3s, 500ms)");
    }
    if (!valid || identity.isEmpty() || period.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new RemoteCluster.Gateway(gateway.address(), gateway.port(), identity.get(), path, probePort,
        period.get()));
  }

  /** An exception's message on one line: a YAML parser's runs over several. */
  public static String firstLine(Exception e) {
    return Objects.requireNonNullElse(e.getMessage(), e.toString()).lines().findFirst().orElse("").strip();
  }
}
