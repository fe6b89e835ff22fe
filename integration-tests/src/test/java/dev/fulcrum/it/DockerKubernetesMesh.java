package dev.fulcrum.it;

import static dev.fulcrum.it.KubernetesCluster.READY;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Volume;
import dev.fulcrum.controlplane.injection.ProxyContainer;
import dev.fulcrum.controlplane.kubernetes.ServiceAccountTokens;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
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
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * Fulcrum's images on a real Docker engine in Kubernetes mode. The control plane's container
 * watches a Kubernetes API, fabric8's mock server in the test JVM (reached from the container as
 * {@code host.docker.internal}), takes its CA from the issuer Secret there (made with
 * docs/deployment.md's openssl steps), has each proxy's token reviewed by it (answered as a real
 * API server answers), and injects pods through its webhook. A pod runs as Kubernetes would, near
 * enough: a sandbox owns the network namespace, the init containers (the capture's) run in it to
 * their end, then the proxy, with its token where the projected volume puts it and a tmpfs for
 * its key, then the application. Each pod is then
 * written to the API with its address, and so are the EndpointSlices naming it.
 */
final class DockerKubernetesMesh implements AutoCloseable {
  private final KubernetesCluster cluster;
  private final Network network = Network.newNetwork();
  private final Path files;
  private final GenericContainer<?> controlPlane;
  private final List<GenericContainer<?>> started = new ArrayList<>();

  /** A running pod: its sandbox (the network namespace, with the published ports), its containers (the proxy first) and its address. */
  record RunningPod(GenericContainer<?> sandbox, List<GenericContainer<?>> containers, String ip) {
    /** Where the host reaches the pod's {@code port}. */
    URI published(int port) {
      return URI.create("http://localhost:" + sandbox.getMappedPort(port));
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
   * Runs the admitted {@code pod} as the kubelet would, its proxy's {@code adminPort} published,
   * and writes it to the API, running at its address, as the kubelet reports it: the pod's
   * network namespace (a sandbox, as Kubernetes' pause container, with the pod's host aliases),
   * then its init containers, each to its end, then the proxy, then the other containers. Each
   * container runs as its security context says (user, capabilities).
   */
  RunningPod run(Pod pod, int adminPort) {
    String name = pod.getMetadata().getName();
    GenericContainer<?> sandbox = new GenericContainer<>(DockerMesh.DEBIAN_IMAGE)
        .withCommand("sleep", "infinity")
        .withNetwork(network)
        .withExposedPorts(adminPort)
        // Nothing listens before the proxy does: running is all a sandbox has to be.
        .waitingFor(new AbstractWaitStrategy() {
          @Override
          protected void waitUntilReady() {
          }
        })
        .withStartupCheckStrategy(new IsRunningStartupCheckStrategy());
    for (HostAlias alias : pod.getSpec().getHostAliases()) {
      alias.getHostnames().forEach(host -> sandbox.withExtraHost(host, alias.getIp()));
    }
    sandbox.start();
    started.add(sandbox);
    String inSandbox = "container:" + sandbox.getContainerId();

    List<Container> initContainers = pod.getSpec().getInitContainers();
    for (Container init : initContainers) {
      if (!isProxy(init)) {
        GenericContainer<?> container = container(init, name, inSandbox)
            .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(DockerMesh.STARTUP));
        started.add(container);
        container.start();
      }
    }
    Container sidecar = java.util.stream.Stream.concat(initContainers.stream(), pod.getSpec().getContainers().stream())
        .filter(DockerKubernetesMesh::isProxy).findFirst()
        .orElseThrow(() -> new AssertionError("no proxy injected: " + pod));
    GenericContainer<?> proxy = container(sidecar, name, inSandbox)
        .withEnv("JAVA_TOOL_OPTIONS", "-Xshare:on")
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
    started.add(proxy);
    proxy.start();
    List<GenericContainer<?>> containers = new ArrayList<>(List.of(proxy));
    for (Container container : pod.getSpec().getContainers()) {
      if (container != sidecar) {
        GenericContainer<?> app = container(container, name, inSandbox)
            .withStartupCheckStrategy(new IsRunningStartupCheckStrategy());
        started.add(app);
        app.start();
        containers.add(app);
      }
    }
    String ip = sandbox.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
    cluster.kubectl.resource(new PodBuilder(pod).withNewStatus().withPhase("Running").withPodIP(ip).endStatus().build())
        .create();
    return new RunningPod(sandbox, containers, ip);
  }

  private static boolean isProxy(Container container) {
    return container.getName().equals(ProxyContainer.NAME);
  }

  /** {@code spec}'s image and arguments in the pod's network namespace, as its security context says. */
  private static GenericContainer<?> container(Container spec, String pod, String networkMode) {
    SecurityContext security = Objects.requireNonNullElseGet(spec.getSecurityContext(), SecurityContext::new);
    Capabilities capabilities = Objects.requireNonNullElseGet(security.getCapabilities(), Capabilities::new);
    return new GenericContainer<>(DockerImageName.parse(spec.getImage()))
        .withCommand(spec.getArgs().toArray(String[]::new))
        .withNetworkMode(networkMode)
        .withLogConsumer(DockerMesh.log(pod + "/" + spec.getName()))
        .withCreateContainerCmdModifier(cmd -> {
          if (security.getRunAsUser() != null) {
            cmd.withUser(String.valueOf(security.getRunAsUser()));
          }
          cmd.getHostConfig()
              .withCapDrop(capabilities.getDrop().stream().map(Capability::valueOf).toArray(Capability[]::new))
              .withCapAdd(capabilities.getAdd().stream().map(Capability::valueOf).toArray(Capability[]::new));
        });
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
