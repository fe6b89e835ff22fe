package dev.fulcrum.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Volume;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.IsRunningStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Fulcrum as containers, from the images deploy/build-images.sh makes: a control plane in file
 * mode, echo servers and a proxy. Two networks, so that the proxy can be cut from the control
 * plane alone: "mesh" joins everything (the echo servers' names resolve there), "control" joins
 * only the proxy and the control plane (the proxy reaches it as {@code control-plane}).
 * The test, on the host, calls the proxy through its published port.
 */
final class DockerMesh implements AutoCloseable {
  static final DockerImageName PROXY_IMAGE = DockerImageName.parse("fulcrum/proxy:0.1.0");
  /** The Debian base the images are sliced from (deploy/build-images.sh): it has {@code sleep}. */
  static final DockerImageName DEBIAN_IMAGE = DockerImageName.parse("fulcrum/debian:bookworm");
  static final DockerImageName CONTROL_PLANE_IMAGE = DockerImageName.parse("fulcrum/control-plane:0.1.0");
  static final String SERVICE = "grpc-service.default.svc.cluster.local:50051";
  static final Duration STARTUP = Duration.ofSeconds(60);
  private static final int PROXY_PORT = 8080;
  static final int WEBHOOK_PORT = 8443;

  private final DockerClient docker = DockerClientFactory.instance().client();
  // Docker publishes a container's ports on the address of its network whose name sorts first:
  // "mesh" must, so that cutting "control" leaves the host's way to the proxy alone.
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Network mesh = Network.builder()
      .createNetworkCmdModifier(cmd -> cmd.withName("fulcrum-" + run + "-a-mesh"))
      .build();
  // Its own subnet, so the proxy gets its address back when the partition heals, as a real
  // partition leaves addresses alone.
  private final Network control = Network.builder()
      .createNetworkCmdModifier(cmd -> cmd.withName("fulcrum-" + run + "-b-control")
          .withIpam(new com.github.dockerjava.api.model.Network.Ipam().withConfig(
              new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet("10.237.0.0/24"))))
      .build();
  private final Path linksDirectory;
  private final Path links;
  private final Map<String, GenericContainer<?>> echoes = new LinkedHashMap<>();
  private GenericContainer<?> controlPlane;
  private GenericContainer<?> proxy;
  private ManagedChannel channel;

  /** Starts echo servers "v1" and "v2" (as grpc-service-v1:7001 and grpc-service-v2:7002), the control plane serving {@code linksYaml}, and the proxy. */
  DockerMesh(String linksYaml) throws IOException {
    linksDirectory = Files.createTempDirectory("fulcrum-links",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    links = linksDirectory.resolve("links.yaml");
    try {
      startEcho("v1", 7001);
      startEcho("v2", 7002);
      writeLinks(linksYaml);
      writeWebhookCertificate();
      startControlPlane();
      startProxy();
    } catch (RuntimeException | IOException e) {
      close();
      throw e;
    }
  }

  /** Whether a Docker engine answers; without one the container suite is skipped. */
  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  /** An echo server named {@code name} on port {@code port}, reachable in the mesh as grpc-service-NAME. */
  void startEcho(String name, int port) {
    startEcho(name, port, "grpc-service-" + name);
  }

  /** An echo server named {@code name} on port {@code port}, reachable in the mesh as {@code host}. */
  void startEcho(String name, int port, String host) {
    GenericContainer<?> echo = new GenericContainer<>(PROXY_IMAGE)
        .withCommand("echo", "--port", String.valueOf(port), "--name", name, "--quiet")
        .withNetwork(mesh)
        .withNetworkAliases(host)
        .waitingFor(Wait.forLogMessage(".*echo server .* listening on port.*\\s", 1).withStartupTimeout(STARTUP));
    echoes.put(name, echo);
    echo.start();
  }

  private void startControlPlane() {
    controlPlane = new JoiningContainer(CONTROL_PLANE_IMAGE, control, "control-plane")
        .withCommand("control-plane", "--config", "/etc/fulcrum/links.yaml", "--xds-port", "18000",
            "--admin-address", "0.0.0.0",
            "--webhook-port", String.valueOf(WEBHOOK_PORT), "--webhook-cert", "/etc/fulcrum/tls.crt",
            "--webhook-key", "/etc/fulcrum/tls.key", "--proxy-xds-server", "control-plane:18000")
        .withExposedPorts(WEBHOOK_PORT)
        // A bind mount set on the container itself: Testcontainers' withFileSystemBind first checks
        // mounting with an alpine image, which cannot be pulled here.
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withBinds(
            new Bind(linksDirectory.toString(), new Volume("/etc/fulcrum"), AccessMode.ro)))
        .withNetwork(mesh)
        .withLogConsumer(log("control-plane"))
        .waitingFor(Wait.forLogMessage(".*control plane serving xDS.*\\s", 1).withStartupTimeout(STARTUP));
    controlPlane.start();
  }

  private void startProxy() {
    proxy = proxyContainer("proxy", PROXY_IMAGE, PROXY_PORT, "proxy", "--listen-address", "0.0.0.0",
        "--listen-port", String.valueOf(PROXY_PORT), "--xds-server", "control-plane:18000", "--service", SERVICE,
        "--admin-address", "0.0.0.0");
    proxy.start();
    channel = Grpc.newChannelBuilderForAddress(proxy.getHost(), proxy.getMappedPort(PROXY_PORT),
        InsecureChannelCredentials.create()).build();
  }

  /**
   * A proxy container on "mesh" that also joins "control" before it starts (so it reaches the
   * control plane at its first try), publishing {@code port}; started once it listens.
   */
  private JoiningContainer proxyContainer(String role, DockerImageName image, int port, String... args) {
    return new JoiningContainer(image, control, null)
        .withCommand(args)
        // The image's class archive must be usable: with -Xshare:on the JVM refuses to start otherwise.
        .withEnv("JAVA_TOOL_OPTIONS", "-Xshare:on")
        .withNetwork(mesh)
        .withExposedPorts(port)
        .withLogConsumer(log(role))
        .waitingFor(Wait.forLogMessage(".*proxy listening on.*\\s", 1).withStartupTimeout(STARTUP));
  }

  /** A container that joins a second network before it starts, under an alias there if one is given. */
  private final class JoiningContainer extends GenericContainer<JoiningContainer> {
    private final Network second;
    private final String alias;

    JoiningContainer(DockerImageName image, Network second, String alias) {
      super(image);
      this.second = second;
      this.alias = alias;
    }

    @Override
    protected void containerIsCreated(String containerId) {
      ContainerNetwork endpoint = new ContainerNetwork();
      if (alias != null) {
        endpoint.withAliases(alias);
      }
      docker.connectToNetworkCmd().withNetworkId(second.getId()).withContainerId(containerId)
          .withContainerNetwork(endpoint).exec();
    }
  }

  /** A container's output in the test's, each line marked with the container's role. */
  static Consumer<OutputFrame> log(String role) {
    return frame -> System.out.print("[" + role + "] " + frame.getUtf8String());
  }

  /**
   * The webhook's certificate, for localhost (the test calls it through its published port), made
   * as docs/deployment.md makes one. Readable by the image's user: the key only ever serves tests.
   */
  private void writeWebhookCertificate() throws IOException {
    writeWebhookCertificate(linksDirectory);
  }

  /** The same, as tls.crt and tls.key in {@code directory}. */
  static void writeWebhookCertificate(Path directory) throws IOException {
    Path key = directory.resolve("tls.key");
    Path certificate = directory.resolve("tls.crt");
    try {
      Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
          "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
          "-keyout", key.toString(), "-out", certificate.toString())
          .redirectErrorStream(true).start();
      String output = new String(openssl.getInputStream().readAllBytes());
      if (openssl.waitFor() != 0) {
        throw new IOException("openssl failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
  }

  Path webhookCertificate() {
    return linksDirectory.resolve("tls.crt");
  }

  /** The control plane's injection webhook, as the API server calls it for pods annotated to opt in. */
  URI webhook() {
    return URI.create("https://localhost:" + controlPlane.getMappedPort(WEBHOOK_PORT) + "/inject");
  }

  /**
   * Runs {@code pod} as Kubernetes would, near enough: its first container, the injected proxy,
   * owns the network namespace (on both networks, so it reaches the control plane as the injected
   * flags say), the others join it, so 127.0.0.1 is the pod's loopback. Returns the containers,
   * proxy first, started; the caller closes them.
   */
  List<GenericContainer<?>> startPod(Pod pod, int adminPort) {
    List<GenericContainer<?>> containers = new ArrayList<>();
    Container sidecar = pod.getSpec().getContainers().stream()
        .filter(container -> container.getName().equals("fulcrum-proxy")).findFirst().orElseThrow();
    GenericContainer<?> proxyContainer = proxyContainer("pod/" + sidecar.getName(),
        DockerImageName.parse(sidecar.getImage()), adminPort, sidecar.getArgs().toArray(String[]::new));
    proxyContainer.start();
    containers.add(proxyContainer);
    for (Container container : pod.getSpec().getContainers()) {
      if (container != sidecar) {
        GenericContainer<?> app = new GenericContainer<>(DockerImageName.parse(container.getImage()))
            .withCommand(container.getArgs().toArray(String[]::new))
            .withNetworkMode("container:" + proxyContainer.getContainerId())
            .withLogConsumer(log("pod/" + container.getName()))
            .withStartupCheckStrategy(new IsRunningStartupCheckStrategy());
        app.start();
        containers.add(app);
      }
    }
    return containers;
  }

  /** A channel to the proxy, as an application on the host would dial it. */
  ManagedChannel proxyChannel() {
    return channel;
  }

  /** Replaces the control plane's Links file, atomically, as an editor or a ConfigMap update would. */
  void writeLinks(String yaml) throws IOException {
    Path next = linksDirectory.resolve("links.yaml.next");
    Files.writeString(next, yaml);
    Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-r--r--"));
    Files.move(next, links, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** {@code docker stop}, then {@code docker start}: the same container, name and addresses. */
  void restartControlPlane(Duration downtime) throws InterruptedException {
    docker.stopContainerCmd(controlPlane.getContainerId()).withTimeout(5).exec();
    Thread.sleep(downtime.toMillis()); // the downtime itself: the proxy goes on without a control plane
    docker.startContainerCmd(controlPlane.getContainerId()).exec();
  }

  /** {@code docker stop}: SIGTERM, and the echo server drains. */
  void stopEcho(String name) {
    docker.stopContainerCmd(echoes.get(name).getContainerId()).withTimeout(10).exec();
  }

  /** {@code docker kill}: the echo server dies at once, with calls in flight. */
  void killEcho(String name) {
    docker.killContainerCmd(echoes.get(name).getContainerId()).exec();
  }

  /** {@code docker network disconnect}: the proxy loses the control plane, and keeps its backends. */
  String partitionProxyFromControlPlane() {
    String address = proxy.getContainerInfo().getNetworkSettings().getNetworks().values().stream()
        .filter(network -> control.getId().equals(network.getNetworkID()))
        .findFirst().orElseThrow().getIpAddress();
    docker.disconnectFromNetworkCmd().withNetworkId(control.getId()).withContainerId(proxy.getContainerId()).exec();
    return address;
  }

  /** {@code docker network connect} with the proxy's old address. */
  void healPartition(String address) {
    docker.connectToNetworkCmd().withNetworkId(control.getId()).withContainerId(proxy.getContainerId())
        .withContainerNetwork(new ContainerNetwork().withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(address)))
        .exec();
  }

  /** How many times the control plane has logged publishing a new configuration ("serving N Link(s): ..."). */
  int configurationsPublished() {
    return controlPlane.getLogs().split("serving \\d+ Link\\(s\\)", -1).length - 1;
  }

  /** The proxy's log so far, for failure messages. */
  String proxyLogs() {
    return proxy == null ? "" : proxy.getLogs();
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (proxy != null) {
      proxy.stop();
    }
    if (controlPlane != null) {
      controlPlane.stop();
    }
    echoes.values().forEach(GenericContainer::stop);
    control.close();
    mesh.close();
    try {
      for (String file : List.of("links.yaml", "tls.crt", "tls.key")) {
        Files.deleteIfExists(linksDirectory.resolve(file));
      }
      Files.deleteIfExists(linksDirectory);
    } catch (IOException e) {
      // A temp directory left behind is harmless.
    }
  }
}
