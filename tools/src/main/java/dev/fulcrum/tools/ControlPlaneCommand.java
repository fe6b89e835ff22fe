package dev.fulcrum.tools;

import dev.fulcrum.api.link.LinkYaml;
import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.kubernetes.KubernetesLinkSource;
import dev.fulcrum.controlplane.mesh.MeshReconciler;
import dev.fulcrum.controlplane.source.FileLinkSource;
import dev.fulcrum.controlplane.source.LinkSource;
import dev.fulcrum.tools.Fulcrum.UsageException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "control-plane", mixinStandardHelpOptions = true,
    description = {
        "Serves Links to proxies over xDS (ADS): from a YAML file (re-read when it changes), or from the",
        "Kubernetes API (Link resources, Services and EndpointSlices, watched); and a dashboard of the",
        "proxies' traffic on the admin port.",
    })
public final class ControlPlaneCommand implements Callable<Integer> {

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of Link documents, separated by ---.")
    Path config;

    @Option(names = "--kubernetes", description = "Watch Links, Services and EndpointSlices in Kubernetes "
        + "(in-cluster credentials, else the usual kubeconfig). Needs the CRD in deploy/crds/.")
    boolean kubernetes;
  }

  @Option(names = "--namespace", paramLabel = "NS",
      description = "With --kubernetes: watch this namespace only (default: all namespaces).")
  Optional<String> namespace;

  @Option(names = "--cluster-domain", defaultValue = "cluster.local",
      description = "With --kubernetes: the cluster's DNS domain, for Service names (default: ${DEFAULT-VALUE}).")
  String clusterDomain;

  @Option(names = "--xds-port", defaultValue = "18000", description = "Port to serve ADS on (default: ${DEFAULT-VALUE}).")
  int xdsPort;

  @Option(names = "--xds-address", defaultValue = "0.0.0.0", description = "Address to serve ADS on (default: ${DEFAULT-VALUE}).")
  String xdsAddress;

  @Option(names = "--admin-port", defaultValue = "" + ControlPlaneConfig.DEFAULT_ADMIN_PORT,
      description = "Port of the dashboard: / and /api/stats (default: ${DEFAULT-VALUE}).")
  int adminPort;

  // Loopback: the dashboard has no authentication. kubectl port-forward reaches it there; to serve
  // it to a network, say so with --admin-address.
  @Option(names = "--admin-address", defaultValue = "127.0.0.1",
      description = "Address of the dashboard (default: ${DEFAULT-VALUE}; it has no authentication).")
  String adminAddress;

  @Override
  public Integer call() throws Exception {
    if (adminPort < 0 || adminPort > 65535) {
      throw new UsageException("--admin-port: " + adminPort + " is not a port (0-65535)");
    }
    LinkSource links = source.kubernetes ? kubernetes() : file();
    ControlPlane controlPlane = ControlPlaneComponent.create(ControlPlaneConfig.of(
        new InetSocketAddress(xdsAddress, xdsPort), new InetSocketAddress(adminAddress, adminPort)), links);
    try {
      controlPlane.start();
    } catch (IllegalStateException e) {
      controlPlane.close();
      throw new UsageException(e.getMessage());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(controlPlane::close));
    new CountDownLatch(1).await();
    return 0;
  }

  private LinkSource file() throws Exception {
    if (namespace.isPresent()) {
      throw new UsageException("--namespace: only with --kubernetes");
    }
    Path config = source.config;
    if (!Files.isReadable(config)) {
      throw new UsageException("--config: cannot read " + config);
    }
    // Refuse a bad file at start; once running, a bad edit is logged and the last good Links serve on.
    List<String> errors = MeshReconciler.check(
        LinkYaml.read(config.getFileName().toString(), Files.readString(config)));
    if (!errors.isEmpty()) {
      throw new UsageException(String.join("; ", errors));
    }
    return new FileLinkSource(config);
  }

  private LinkSource kubernetes() {
    // In a pod: the service account; elsewhere: KUBECONFIG or ~/.kube/config, as kubectl does.
    KubernetesClient client = new KubernetesClientBuilder().build();
    return new KubernetesLinkSource(client, new KubernetesLinkSource.Settings(
        namespace, clusterDomain, Duration.ofMillis(5), Duration.ofSeconds(60)));
  }
}
