package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import dev.fulcrum.contract.capture.CaptureSettings;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The proxy image as the injected init container runs it: {@code capture install} with the
 * injector's command line ({@link CaptureSettings#installArgs}), as root with only NET_ADMIN and
 * NET_RAW, in the network namespace of a running "pod" (a container of the image on a network of
 * its own, so that its nat table already holds Docker's DNS rules, as a pod's may hold others').
 * Each step is a {@code docker run} of the image's own iptables, reading the table it wrote.
 */
class CaptureImageIT {
  private static final CaptureSettings SETTINGS = new CaptureSettings(CaptureSettings.DEFAULT_PROXY_UID,
      CaptureSettings.DEFAULT_OUTBOUND_PORT, CaptureSettings.DEFAULT_INBOUND_PORT, List.of(3306), List.of(9990),
      List.of("10.250.0.0/16"));
  /** An address outside the pod, not skipped: an application's connection to it is the proxy's. */
  private static final String ELSEWHERE = "192.0.2.1:7000";
  private static final long RUN_SECONDS = 60;

  private final DockerClient docker = DockerClientFactory.instance().client();
  private final List<GenericContainer<?>> started = new ArrayList<>();
  private Network network;
  private GenericContainer<?> pod;

  @BeforeAll
  static void docker() {
    Prerequisite.require(DockerMesh.dockerAvailable(), "no Docker engine: the container suite needs one (.ci/run starts it)");
  }

  @AfterEach
  void removeContainers() {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).stop();
    }
    if (network != null) {
      network.close();
    }
  }

  @Test
  void theInitContainerInstallsTheCaptureRulesInThePodsNatTable() throws Exception {
    startPod();
    String before = nat();
    Run installed = install(Capability.NET_ADMIN, Capability.NET_RAW);
    assertEquals(0, installed.exit(), installed.toString());

    String after = nat();
    List<String> expected = new ArrayList<>(List.of(
        ":FULCRUM_OUTPUT - [0:0]", ":FULCRUM_PREROUTING - [0:0]",
        "-A OUTPUT -j FULCRUM_OUTPUT", "-A PREROUTING -j FULCRUM_PREROUTING",
        "-A FULCRUM_OUTPUT -m owner --uid-owner " + SETTINGS.proxyUid() + " -j RETURN",
        "-A FULCRUM_OUTPUT -o lo -j RETURN", "-A FULCRUM_OUTPUT -d 127.0.0.0/8 -j RETURN",
        "-A FULCRUM_OUTPUT -p tcp -j REDIRECT --to-ports " + SETTINGS.outboundPort(),
        "-A FULCRUM_PREROUTING -p tcp -m tcp --dport " + SETTINGS.inboundPort().getAsInt() + " -j RETURN",
        "-A FULCRUM_PREROUTING -p tcp -j REDIRECT --to-ports " + SETTINGS.inboundPort().getAsInt()));
    SETTINGS.skipOutboundPorts().forEach(port -> expected.add("-A FULCRUM_OUTPUT -p tcp -m tcp --dport " + port + " -j RETURN"));
    SETTINGS.skipOutboundCidrs().forEach(cidr -> expected.add("-A FULCRUM_OUTPUT -d " + cidr + " -j RETURN"));
    SETTINGS.skipInboundPorts().forEach(port -> expected.add("-A FULCRUM_PREROUTING -p tcp -m tcp --dport " + port + " -j RETURN"));
    List<String> missing = expected.stream().filter(rule -> !after.lines().toList().contains(rule)).toList();
    assertEquals(List.of(), missing, "rules missing from the pod's nat table:\n" + after);
    assertTrue(after.lines().toList().containsAll(before.lines().toList()), "Docker's own rules kept:\n" + after);

    assertEquals(0, install(Capability.NET_ADMIN, Capability.NET_RAW).exit(), "installing again");
    assertEquals(after, nat(), "installing again gives the same table");
  }

  @Test
  void connectionsInThePodReachTheProxysPortsOnceTheRulesAreIn() throws Exception {
    // Echo servers on the proxy's two ports stand in for it, each reporting the calls it answers.
    startPod();
    GenericContainer<?> inbound = new GenericContainer<>(DockerMesh.PROXY_IMAGE)
        .withCommand("echo", "--port", String.valueOf(SETTINGS.inboundPort().getAsInt()), "--name", "proxy-inbound")
        .withNetworkMode("container:" + pod.getContainerId())
        .waitingFor(Wait.forLogMessage(".*echo server .* listening on port.*\\s", 1).withStartupTimeout(DockerMesh.STARTUP));
    started.add(inbound);
    inbound.start();
    Run installed = install(Capability.NET_ADMIN, Capability.NET_RAW);
    assertEquals(0, installed.exit(), installed.toString());

    // An application of the pod (not the proxy's user) dials out: its calls reach the outbound port.
    Run out = run("1000:1000", null, HostConfig.newHostConfig().withNetworkMode("container:" + pod.getContainerId()),
        bench(ELSEWHERE));
    assertTrue(out.exit() == 0 && out.stdout().contains("failed 0"), out.toString());
    assertTrue(pod.getLogs().contains("echo proxy-outbound answered"), "calls to " + ELSEWHERE + " answered by the outbound port");

    // A caller elsewhere on the network dials a port of the pod: its calls reach the inbound side.
    String address = pod.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
    Run in = run(null, null, HostConfig.newHostConfig().withNetworkMode(network.getId()), bench(address + ":7000"));
    assertTrue(in.exit() == 0 && in.stdout().contains("failed 0"), in.toString());
    assertTrue(inbound.getLogs().contains("echo proxy-inbound answered"), "calls to the pod answered by the inbound port");
  }

  @Test
  void removeLeavesThePodsNatTableAsItWas() throws Exception {
    startPod();
    String before = nat();
    assertEquals(0, install(Capability.NET_ADMIN, Capability.NET_RAW).exit(), "install");
    Run removed = capture(List.of(CaptureSettings.COMMAND, CaptureSettings.REMOVE), Capability.NET_ADMIN, Capability.NET_RAW);
    assertEquals(0, removed.exit(), removed.toString());
    String after = nat();
    assertFalse(after.contains("FULCRUM"), "no Fulcrum chain or rule left:\n" + after);
    assertEquals(before, after, "the table as before install");
  }

  @Test
  void withoutNetAdminInstallFailsWithOneLineAndExitCode2AndChangesNothing() throws Exception {
    startPod();
    String before = nat();
    Run refused = install(Capability.NET_RAW);
    assertEquals(2, refused.exit(), refused.toString());
    assertEquals("", refused.stdout(), refused.toString());
    List<String> lines = refused.stderr().lines().filter(line -> !line.isBlank()).toList();
    assertEquals(1, lines.size(), "one line: " + refused);
    assertTrue(lines.get(0).startsWith("fulcrum capture install: "), refused.toString());
    assertEquals(before, nat(), "nothing changed");
  }

  @Test
  void theImageRunsAsTheProxysUserAndHoldsNoShell() throws IOException {
    ContainerConfig config = docker.inspectImageCmd(DockerMesh.PROXY_IMAGE.asCanonicalNameString()).exec().getConfig();
    assertEquals(SETTINGS.proxyUid() + ":" + SETTINGS.proxyUid(), config.getUser(), "the image's user");
    String id = docker.createContainerCmd(DockerMesh.PROXY_IMAGE.asCanonicalNameString()).exec().getId();
    try {
      assertThrows(NotFoundException.class, () -> docker.copyArchiveFromContainerCmd(id, "/bin/sh").exec().close(),
          "/bin/sh in the image");
      // What the image's PATH offers beside Java is iptables', and nothing else.
      for (String directory : List.of("/usr/sbin", "/usr/bin")) {
        List<String> others = files(id, directory).stream()
            .filter(name -> !name.matches("(ip6?|arp|eb|x)tables[-a-z]*|iptables-xml|nfnl_osf")).toList();
        assertEquals(List.of(), others, "in " + directory + " beside iptables");
      }
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
  }

  /** The pod: a container of the image on a network of its own, running as the image's user. */
  private void startPod() {
    network = Network.newNetwork();
    pod = new GenericContainer<>(DockerMesh.PROXY_IMAGE)
        .withCommand("echo", "--port", String.valueOf(SETTINGS.outboundPort()), "--name", "proxy-outbound")
        .withNetwork(network)
        .waitingFor(Wait.forLogMessage(".*echo server .* listening on port.*\\s", 1).withStartupTimeout(DockerMesh.STARTUP));
    started.add(pod);
    pod.start();
  }

  private Run install(Capability... capabilities) throws Exception {
    return capture(SETTINGS.installArgs(), capabilities);
  }

  /** {@code fulcrum capture ...} in the pod's network namespace, as the init container runs it: root, these capabilities only. */
  private Run capture(List<String> args, Capability... capabilities) throws Exception {
    return run("0:0", null, podNetwork(capabilities), args.toArray(String[]::new));
  }

  /** The pod's nat table as the image's iptables-save prints it, without its timestamped comments. */
  private String nat() throws Exception {
    Run save = run("0:0", "/usr/sbin/iptables-save", podNetwork(Capability.NET_ADMIN, Capability.NET_RAW), "-t", "nat");
    assertEquals(0, save.exit(), save.toString());
    return save.stdout().lines().filter(line -> !line.startsWith("#")).collect(Collectors.joining("\n"));
  }

  private HostConfig podNetwork(Capability... capabilities) {
    HostConfig host = HostConfig.newHostConfig().withNetworkMode("container:" + pod.getContainerId()).withCapDrop(Capability.ALL);
    return capabilities.length == 0 ? host : host.withCapAdd(capabilities);
  }

  private static String[] bench(String target) {
    return new String[] {"bench", "--target", target, "--duration", "1s", "--warmup", "0s", "--concurrency", "1", "--rounds", "1"};
  }

  /**
   * {@code docker run --rm [--user USER] [--entrypoint ENTRYPOINT] IMAGE ARGS} with {@code host}'s
   * network and capabilities: the container run to its end, and removed whatever happens.
   */
  private Run run(String user, String entrypoint, HostConfig host, String... args) throws Exception {
    CreateContainerCmd create = docker.createContainerCmd(DockerMesh.PROXY_IMAGE.asCanonicalNameString())
        .withHostConfig(host).withCmd(args);
    if (user != null) {
      create.withUser(user);
    }
    if (entrypoint != null) {
      create.withEntrypoint(entrypoint);
    }
    String id = create.exec().getId();
    try {
      docker.startContainerCmd(id).exec();
      int exit = docker.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode(RUN_SECONDS, TimeUnit.SECONDS);
      StringBuilder stdout = new StringBuilder();
      StringBuilder stderr = new StringBuilder();
      docker.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
        @Override
        public void onNext(Frame frame) {
          (frame.getStreamType() == StreamType.STDERR ? stderr : stdout).append(new String(frame.getPayload()));
        }
      }).awaitCompletion(RUN_SECONDS, TimeUnit.SECONDS);
      return new Run(String.join(" ", args), exit, stdout.toString(), stderr.toString());
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
  }

  /** The names in {@code directory} of container {@code id}, read from the archive Docker makes of it. */
  private List<String> files(String id, String directory) throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream archive = docker.copyArchiveFromContainerCmd(id, directory).exec();
         TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        String name = entry.getName().replaceFirst("/$", "");
        if (name.indexOf('/') > 0) {
          names.add(name.substring(name.indexOf('/') + 1));
        }
      }
    }
    return names;
  }

  private record Run(String command, int exit, String stdout, String stderr) {
    @Override
    public String toString() {
      return command + ": exit " + exit + "\n" + stdout + stderr;
    }
  }
}
