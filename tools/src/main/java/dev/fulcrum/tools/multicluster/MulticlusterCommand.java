package dev.fulcrum.tools.multicluster;

import dev.fulcrum.api.link.ClusterLink;
import dev.fulcrum.api.link.ClusterLinkSpec;
import dev.fulcrum.controlplane.multicluster.ClusterLinkValidator;
import dev.fulcrum.tools.Fulcrum.UnreachableException;
import dev.fulcrum.tools.Fulcrum.UsageException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fulcrum multicluster link|unlink}: the YAML that links this cluster to another (issue 17),
 * printed to be applied by hand or from Git; the command changes nothing itself.
 */
@Command(name = "multicluster", mixinStandardHelpOptions = true,
    description = "Links clusters: prints the resources that mirror another cluster's exported Services here.",
    subcommands = {MulticlusterCommand.Link.class, MulticlusterCommand.Unlink.class})
public final class MulticlusterCommand implements Runnable {
  static final String DEFAULT_NAMESPACE = "fulcrum-system";

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code name}, if it can name a cluster (it suffixes mirrored Services' names). */
  static String clusterName(String name) {
    ClusterLinkValidator.clusterNameProblem(name).ifPresent(problem -> {
      throw new UsageException("--name: " + problem);
    });
    return name;
  }

  @Command(name = "link", mixinStandardHelpOptions = true,
      description = {"Reads the remote cluster (--kubeconfig) and prints, for this one, a Secret with a kubeconfig "
          + "that can only read its Services and EndpointSlices, and the ClusterLink naming it.",
          "The remote cluster needs deploy/multicluster/remote-access.yaml applied first."})
  static final class Link implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, description = "The remote cluster's name: mirrors are NAME-CLUSTER.")
    String name;

    @Option(names = "--kubeconfig", required = true, paramLabel = "FILE",
        description = "A kubeconfig for the remote cluster, allowed to read its mirror account's token.")
    Path kubeconfig;

    @Option(names = "--context", description = "The kubeconfig's context (default: its current one).")
    String context;

    @Option(names = "--namespace", defaultValue = DEFAULT_NAMESPACE,
        description = "Where Fulcrum runs, in both clusters (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--cluster-domain", defaultValue = ClusterLinkSpec.ClusterRef.DEFAULT_DOMAIN,
        description = "The remote cluster's domain (default: ${DEFAULT-VALUE}).")
    String domain;

    @Option(names = "--gateway-address", paramLabel = "HOST",
        description = "The remote gateway's address (default: its Service's load balancer, if any).")
    String gatewayAddress;

    @Option(names = "--gateway-port", defaultValue = "" + ClusterLink.DEFAULT_GATEWAY_PORT,
        description = "The remote gateway's port (default: ${DEFAULT-VALUE}).")
    int gatewayPort;

    @Option(names = "--gateway-identity", defaultValue = ClusterLink.DEFAULT_GATEWAY_IDENTITY,
        paramLabel = "NAMESPACE/SERVICEACCOUNT", description = "The identity the remote gateway proves (default: ${DEFAULT-VALUE}).")
    String gatewayIdentity;

    @Override
    public Integer call() {
      String cluster = clusterName(name);
      Config remote = remoteConfig();
      // A command someone waits on: one retry, not the client's ten with backoff.
      remote.setRequestRetryBackoffLimit(1);
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(remote).build()) {
        Map<String, String> token = mirrorToken(client);
        Optional<String> address = Optional.ofNullable(gatewayAddress).or(() -> loadBalancer(client));
        if (address.isEmpty()) {
          spec.commandLine().getErr().println("fulcrum multicluster link: no gateway address (no --gateway-address, and "
              + "Service " + namespace + "/" + ClusterLink.GATEWAY_SERVICE + " has no load balancer): only Services "
              + "exported for remote discovery (flat mode) are mirrored");
        }
        LinkManifest manifest = new LinkManifest(cluster, namespace, remote.getMasterUrl(), token.get("ca.crt"),
            new String(Base64.getDecoder().decode(token.get("token")), StandardCharsets.UTF_8), domain,
            address.map(host -> new ClusterLinkSpec.GatewayRef(host, gatewayPort, gatewayIdentity)));
        spec.commandLine().getOut().print(manifest.yaml());
        spec.commandLine().getOut().flush();
        return 0;
      }
    }

    private Config remoteConfig() {
      String text;
      try {
        text = Files.readString(kubeconfig);
      } catch (IOException e) {
        throw new UsageException("--kubeconfig " + kubeconfig + ": cannot read it (" + e.getMessage() + ")");
      }
      try {
        return Config.fromKubeconfig(context, text, kubeconfig.toString());
      } catch (RuntimeException e) {
        throw new UsageException("--kubeconfig " + kubeconfig + ": not a kubeconfig"
            + (context == null ? "" : " with context " + context) + " (" + ClusterLinkValidator.firstLine(e) + ")");
      }
    }

    /** The mirror account's token Secret's data (base64), with its token and CA. */
    private Map<String, String> mirrorToken(KubernetesClient client) {
      String where = namespace + "/" + ClusterLink.MIRROR_TOKEN_SECRET;
      Secret secret;
      try {
        secret = client.secrets().inNamespace(namespace).withName(ClusterLink.MIRROR_TOKEN_SECRET).get();
      } catch (KubernetesClientException e) {
        throw new UnreachableException("the remote API server at " + client.getMasterUrl() + " did not give Secret "
            + where + ": " + ClusterLinkValidator.firstLine(e));
      }
      if (secret == null) {
        throw new UsageException("no Secret " + where + " in the remote cluster: apply "
            + "deploy/multicluster/remote-access.yaml there first");
      }
      Map<String, String> data = Objects.requireNonNullElse(secret.getData(), Map.of());
      for (String key : List.of("token", "ca.crt")) {
        if (data.get(key) == null || data.get(key).isEmpty()) {
          throw new UsageException("Secret " + where + " in the remote cluster has no " + key
              + " yet (Kubernetes fills it in for the ServiceAccount " + ClusterLink.MIRROR_ACCOUNT + "); try again");
        }
      }
      return data;
    }

    /** The address of the remote gateway's load balancer, if it has one. */
    private Optional<String> loadBalancer(KubernetesClient client) {
      Service gateway = client.services().inNamespace(namespace).withName(ClusterLink.GATEWAY_SERVICE).get();
      if (gateway == null || gateway.getStatus() == null || gateway.getStatus().getLoadBalancer() == null) {
        return Optional.empty();
      }
      return gateway.getStatus().getLoadBalancer().getIngress().stream()
          .map(ingress -> ingress.getHostname() != null ? ingress.getHostname() : ingress.getIp())
          .filter(Objects::nonNull).findFirst();
    }
  }

  @Command(name = "unlink", mixinStandardHelpOptions = true,
      description = "Prints what `multicluster link` printed for --name, to delete (kubectl delete -f -); "
          + "the control plane then removes the cluster's mirrors.")
  static final class Unlink implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, description = "The remote cluster's name.")
    String name;

    @Option(names = "--namespace", defaultValue = DEFAULT_NAMESPACE,
        description = "Where Fulcrum runs (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(LinkManifest.unlinkYaml(clusterName(name), namespace));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
