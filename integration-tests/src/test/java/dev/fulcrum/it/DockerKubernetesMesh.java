package dev.fulcrum.it;

import static dev.fulcrum.it.KubernetesCluster.READY;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import dev.fulcrum.controlplane.kubernetes.ServiceAccountTokens;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.IsRunningStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * Fulcrum's images on a real Docker engine in Kubernetes mode. The control plane's container
 * watches a Kubernetes API, fabric8's mock server in the test JVM (reached from the container as
 * {@code host.docker.internal}), takes its CA from the issuer Secret there (made with
 * docs/deployment.md's openssl steps), has each proxy's token reviewed by it (answered as a real
 * API server answers), and injects pods through its webhook. A pod runs as Kubernetes would, near
 * enough: the injected proxy's container owns the network namespace, with its token where the
 * projected volume puts it and a tmpfs for its key; the other containers join it. Each pod is then
 * written to the API with its address, and so are the EndpointSlices naming it.
 */
final class DockerKubernetesMesh implements AutoCloseable {
  private final KubernetesCluster cluster;
  private final Network network = Network.newNetwork();
  private final Path files;
  private final GenericContainer<?> controlPlane;
  private final List<GenericContainer<?>> started = new ArrayList<>();

  /** A running pod: its containers (the proxy first) and its address. */
  record RunningPod(List<GenericContainer<?>> containers, String ip) {
    GenericContainer<?> proxy() {
      return containers.get(0);
    }
  }

  DockerKubernetesMesh() throws Exception {
    cluster = KubernetesCluster.reachableFromContainers();
    try {
      cluster.faults().reviewTokens();
      files = Files.createTempDirectory("fulcrum-docker-k8s",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      Path anchor = OpensslCa.anchor(files.resolve("anchor"), "anchor");
      Path issuer = OpensslCa.issuer(files.resolve("issuer"), anchor, "issuer");
      cluster.issuerSecret(issuer.resolve("issuer.crt"), issuer.resolve("issuer.key"), anchor.resolve("ca.crt"));
      cluster.trustAnchors(anchor.resolve("ca.crt"));
      DockerMesh.writeWebhookCertificate(files);
      controlPlane = new GenericContainer<>(DockerMesh.CONTROL_PLANE_IMAGE)
          .withCommand("control-plane", "--kubernetes", "--xds-port", "18000", "--admin-address", "0.0.0.0",
              "--webhook-port", String.valueOf(DockerMesh.WEBHOOK_PORT), "--webhook-cert", "/etc/fulcrum/tls.crt",
              "--webhook-key", "/etc/fulcrum/tls.key", "--proxy-xds-server", "control-plane:18000")
          .withEnv(KubernetesCluster.environment("http://host.docker.internal:" + cluster.port()))
          .withExtraHost("host.docker.internal", "host-gateway")
          .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withBinds(
              new Bind(files.toString(), new Volume("/etc/fulcrum"), AccessMode.ro)))
          .withNetwork(network)
          .withNetworkAliases("control-plane")
          .withExposedPorts(DockerMesh.WEBHOOK_PORT)
          .withLogConsumer(DockerMesh.log("control-plane"))
          // The webhook starts after xDS is served: its line says both are up.
          .waitingFor(Wait.forLogMessage(".*sidecar injection webhook on.*\\s", 1).withStartupTimeout(DockerMesh.STARTUP));
      controlPlane.start();
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  KubernetesCluster cluster() {
    return cluster;
  }

  /** The injection webhook, as the API server calls it for pods annotated to opt in. */
  URI webhook() {
    return URI.create("https://localhost:" + controlPlane.getMappedPort(DockerMesh.WEBHOOK_PORT) + "/inject");
  }

  Path webhookCertificate() {
    return files.resolve("tls.crt");
  }

  /**
   * Runs the admitted {@code pod}, its proxy's {@code adminPort} published, and writes it to the
   * API, running at its address, as the kubelet reports it.
   */
  RunningPod run(Pod pod, int adminPort) {
    Container sidecar = pod.getSpec().getContainers().stream()
        .filter(container -> container.getName().equals("fulcrum-proxy")).findFirst()
        .orElseThrow(() -> new AssertionError("no proxy injected: " + pod));
    String name = pod.getMetadata().getName();
    GenericContainer<?> proxy = new GenericContainer<>(DockerImageName.parse(sidecar.getImage()))
        .withCommand(sidecar.getArgs().toArray(String[]::new))
        .withEnv("JAVA_TOOL_OPTIONS", "-Xshare:on")
        .withNetwork(network)
        .withExposedPorts(adminPort)
        .withLogConsumer(DockerMesh.log(name + "/" + sidecar.getName()))
        .waitingFor(Wait.forLogMessage(".*proxy listening on.*\\s", 1).withStartupTimeout(DockerMesh.STARTUP));
    for (VolumeMount mount : sidecar.getVolumeMounts()) {
      io.fabric8.kubernetes.api.model.Volume volume = pod.getSpec().getVolumes().stream()
          .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
      if (volume.getProjected() != null) {
        // The kubelet's projected token: one the mock API server reviews as the pod's service account's.
        String path = volume.getProjected().getSources().get(0).getServiceAccountToken().getPath();
        byte[] token = ServiceAccountTokens.of(pod.getMetadata().getNamespace(),
            Objects.requireNonNullElse(pod.getSpec().getServiceAccountName(), "default")).getBytes(StandardCharsets.UTF_8);
        proxy.withCopyToContainer(Transferable.of(token, 0644), mount.getMountPath() + "/" + path);
      } else if (volume.getEmptyDir() != null) {
        proxy.withTmpFs(Map.of(mount.getMountPath(), "rw,mode=1777"));
      }
    }
    proxy.start();
    started.add(proxy);
    List<GenericContainer<?>> containers = new ArrayList<>(List.of(proxy));
    for (Container container : pod.getSpec().getContainers()) {
      if (container != sidecar) {
        GenericContainer<?> app = new GenericContainer<>(DockerImageName.parse(container.getImage()))
            .withCommand(container.getArgs().toArray(String[]::new))
            .withNetworkMode("container:" + proxy.getContainerId())
            .withLogConsumer(DockerMesh.log(name + "/" + container.getName()))
            .withStartupCheckStrategy(new IsRunningStartupCheckStrategy());
        app.start();
        started.add(app);
        containers.add(app);
      }
    }
    String ip = proxy.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
    cluster.kubectl.resource(new PodBuilder(pod).withNewStatus().withPhase("Running").withPodIP(ip).endStatus().build())
        .create();
    return new RunningPod(containers, ip);
  }

  /** The Service {@code name} on {@code port}, its one EndpointSlice naming {@code pod} at its application's {@code podPort}. */
  void service(String name, int port, RunningPod pod, String podName, int podPort) {
    cluster.service(name, port);
    cluster.endpointSlice(name, name + "-a", podPort, Map.of(pod.ip(), READY), Map.of(pod.ip(), podName));
  }

  @Override
  public void close() {
    List<GenericContainer<?>> stopping = new ArrayList<>(started);
    Collections.reverse(stopping);
    stopping.forEach(GenericContainer::stop);
    if (controlPlane != null) {
      controlPlane.stop();
    }
    network.close();
    cluster.close();
  }
}
