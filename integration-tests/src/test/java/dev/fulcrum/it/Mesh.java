package dev.fulcrum.it;

import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.identity.IdentityConfig;
import dev.fulcrum.controlplane.source.FileLinkSource;
import dev.fulcrum.dataplane.Proxy;
import dev.fulcrum.dataplane.ProxyComponent;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.testing.Await;
import dev.fulcrum.tools.echo.EchoServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The whole system in one test JVM, on real sockets: echo servers, a control plane in file mode
 * (its dashboard on a free port) and a proxy subscribed to it over ADS. grpc-xds bootstraps once
 * per JVM, so a test class has one Mesh (Surefire forks a JVM per class).
 */
final class Mesh implements AutoCloseable {
  static final String SERVICE = "grpc-service.default.svc.cluster.local:50051";

  /** The outbound proxy's identity in a meshed Mesh; echo server vN's is default/echo-vN. */
  static final String CLIENT_IDENTITY = "default/client";
  static final Duration SIDECAR_START = Duration.ofSeconds(60);

  final Path links;
  /** In a meshed Mesh, the control plane's CA directory (file mode). */
  final Path caDirectory;
  final List<EchoServer> echoes = new ArrayList<>();
  /** In a meshed Mesh, each echo server's inbound sidecar (a process: grpc-xds bootstraps once per JVM). */
  final List<Sidecar> sidecars = new ArrayList<>();
  private InboundTls mode;
  record Sidecar(Process process, int inboundPort, int adminPort, Path log) {}

  /**
   * How a meshed Mesh runs: its sidecars' inbound mode, how long the certificates it issues last,
   * and the control plane's default for servers no Authorization selects.
   */
  record Meshed(InboundTls mode, Duration certificateLifetime, DefaultInboundPolicy defaultPolicy) {
    Meshed(InboundTls mode, Duration certificateLifetime) {
      this(mode, certificateLifetime, DefaultInboundPolicy.DEFAULT);
    }

    static Meshed strict() {
      return new Meshed(InboundTls.STRICT, Duration.ofHours(1));
    }
  }
  ControlPlane controlPlane;
  final Proxy proxy;
  private final List<ManagedChannel> channels = new ArrayList<>();
  /** Other processes a test started through this Mesh, stopped with it. */
  private final List<Process> processes = new ArrayList<>();

  /**
   * Starts {@code backends} echo servers (v1, v2, ...), a control plane serving {@code linksYaml}
   * (where {@code {v1}}, {@code {v2}}... stand for the echo servers' ports), and a proxy that sends
   * every call to {@code service}, or routes by authority when it is empty.
   */
  Mesh(int backends, String linksYaml, Optional<String> service) throws Exception {
    this(backends, linksYaml, service, UnaryOperator.identity());
  }

  /** As above, with the proxy's configuration adjusted by {@code proxyConfig}. */
  Mesh(int backends, String linksYaml, Optional<String> service, UnaryOperator<ProxyConfig> proxyConfig)
      throws Exception {
    this(backends, linksYaml, service, proxyConfig, Optional.empty());
  }

  /**
   * As above; with {@code meshed}, the control plane issues identities (from a CA in a new
   * directory), each echo server vN sits behind an inbound sidecar of identity default/echo-vN in
   * that mode, the Links' targets point at the sidecars with that identity, and the proxy is
   * {@value #CLIENT_IDENTITY}: every call crosses outbound, mTLS, inbound.
   */
  Mesh(int backends, String linksYaml, Optional<String> service, UnaryOperator<ProxyConfig> proxyConfig,
      Optional<Meshed> meshed) throws Exception {
    for (int i = 1; i <= backends; i++) {
      EchoServer echo = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "v" + i);
      echo.service().logRequests(false);
      echoes.add(echo);
    }
    Path dir = Files.createTempDirectory("fulcrum-it");
    links = dir.resolve("links.yaml");
    caDirectory = dir.resolve("ca");
    ControlPlaneConfig config = onLoopback(0, 0);
    if (meshed.isPresent()) {
      config = config.withIdentity(IdentityConfig.inDirectory(caDirectory, SpiffeId.DEFAULT_TRUST_DOMAIN,
          meshed.get().certificateLifetime())).withDefaultInboundPolicy(meshed.get().defaultPolicy());
    }
    controlPlane = ControlPlaneComponent.create(config, new FileLinkSource(links));
    if (meshed.isEmpty()) {
      writeLinks(linksYaml);
      controlPlane.start();
    } else {
      mode = meshed.get().mode();
      // Sidecars first (their ports go in the Links), certified by a control plane serving no Link yet.
      Files.writeString(links, "");
      controlPlane.start();
      for (int i = 1; i <= backends; i++) {
        sidecars.add(startSidecar(i, meshed.get().mode(), dir));
      }
      for (Sidecar sidecar : sidecars) {
        awaitSidecar(sidecar);
      }
      writeLinks(linksYaml);
      Await.until(() -> !controlPlane.model().links().isEmpty(), Duration.ofSeconds(10), "the meshed Links served");
    }
    ProxyConfig proxyBase = ProxyConfig.local(0, "127.0.0.1:" + controlPlane.xdsPort(), service, "it-proxy");
    if (meshed.isPresent()) {
      proxyBase = proxyBase.withIdentity(new ProxyConfig.Identity(CLIENT_IDENTITY, Optional.empty(), Optional.empty()));
    }
    proxy = ProxyComponent.create(proxyConfig.apply(proxyBase));
    proxy.start();
  }

  private Sidecar startSidecar(int i, InboundTls mode, Path dir) throws IOException {
    return startSidecar(dir.resolve("sidecar-v" + i + ".log"), echo(i).port(), "default/echo-v" + i,
        controlPlane.xdsPort(), mode);
  }

  /**
   * An inbound sidecar process on 127.0.0.1 (free inbound and admin ports) in front of the
   * application on {@code appPort}, proving {@code identity}, certified by the control plane on
   * {@code xdsPort}, with {@code more} flags; {@link #awaitSidecar} waits for it to listen.
   */
  static Sidecar startSidecar(Path log, int appPort, String identity, int xdsPort, InboundTls mode, String... more)
      throws IOException {
    return startSidecar(log, Launcher.freePort(), Launcher.freePort(), appPort, identity, xdsPort, mode, more);
  }

  /** The same, on these ports (a restart: a new process where the old one listened). */
  static Sidecar startSidecar(Path log, int inboundPort, int adminPort, int appPort, String identity, int xdsPort,
      InboundTls mode, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of(sidecarArgs(inboundPort, adminPort, appPort, identity, xdsPort, mode)));
    args.addAll(List.of(more));
    Process process = Launcher.start(log, args.toArray(String[]::new));
    return new Sidecar(process, inboundPort, adminPort, log);
  }

  private static String[] sidecarArgs(int inboundPort, int adminPort, int appPort, String identity, int xdsPort,
      InboundTls mode) {
    return new String[] {"proxy", "--inbound-port", String.valueOf(inboundPort),
        "--inbound-address", "127.0.0.1", "--app-port", String.valueOf(appPort),
        "--identity", identity, "--xds-server", "127.0.0.1:" + xdsPort,
        "--inbound-tls", mode.yamlName(), "--admin-port", String.valueOf(adminPort)};
  }

  /**
   * Stops echo server {@code i}'s sidecar and starts a new one on the same port; returns when it
   * listens (System.nanoTime).
   */
  long restartSidecar(int i) throws Exception {
    Sidecar old = sidecars.get(i - 1);
    old.process().destroy();
    old.process().waitFor();
    Path log = old.log().resolveSibling(old.log().getFileName() + ".restarted");
    Process process = Launcher.start(log, sidecarArgs(old.inboundPort(), old.adminPort(), echo(i).port(),
        "default/echo-v" + i, controlPlane.xdsPort(), mode));
    Sidecar restarted = new Sidecar(process, old.inboundPort(), old.adminPort(), log);
    sidecars.set(i - 1, restarted);
    awaitSidecar(restarted);
    return System.nanoTime();
  }

  static void awaitSidecar(Sidecar sidecar) throws InterruptedException, IOException {
    try {
      Launcher.awaitPort(sidecar.inboundPort(), SIDECAR_START);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; its log:\n" + Files.readString(sidecar.log()), e);
    }
  }

  /**
   * An outbound proxy process proving {@code identity}, sending every call to {@link #SERVICE}: a
   * second meshed caller beside this JVM's proxy. Returns its port, once it listens.
   */
  int startOutboundProxy(Path log, String identity) throws Exception {
    int port = Launcher.freePort();
    Process process = Launcher.start(log, "proxy", "--listen-port", String.valueOf(port),
        "--xds-server", "127.0.0.1:" + controlPlane.xdsPort(), "--service", SERVICE, "--identity", identity,
        "--admin-port", String.valueOf(Launcher.freePort()));
    processes.add(process);
    Launcher.awaitPort(port, SIDECAR_START);
    return port;
  }

  /** The seed's Link, its two targets on echo servers v1 and v2. */
  static String seedLink() {
    return link("my-grpc-service", "grpc-service.default.svc.cluster.local", 50051, "{v1}", "{v2}");
  }

  static String link(String name, String host, int port, String... targetPorts) {
    StringBuilder yaml = new StringBuilder("""
        apiVersion: linkerd.io/v1alpha1
        kind: Link
        metadata: {name: %s}
        spec:
          service: {name: %s, port: %d}
          target:
        """.formatted(name, host, port));
    for (String target : targetPorts) {
      yaml.append("    - {name: 127.0.0.1, port: ").append(target).append("}\n");
    }
    return yaml.append("""
          strategy: round-robin
          policy:
            request-timeout: 5s
            retry-on: ["cancelled", "deadline-exceeded"]
        """).toString();
  }

  /** Replaces the Links file, as a user's editor would (write a new file, rename it over the old). */
  void writeLinks(String yaml) throws IOException {
    for (int i = 0; i < echoes.size(); i++) {
      String placeholder = "{v" + (i + 1) + "}";
      if (sidecars.isEmpty()) {
        yaml = yaml.replace(placeholder, String.valueOf(echoes.get(i).port()));
      } else {
        // A meshed target: the sidecar's inbound port, and the identity to expect there.
        int port = sidecars.get(i).inboundPort();
        yaml = yaml.replace(placeholder + "}", port + ", identity: default/echo-v" + (i + 1) + "}")
            .replace(placeholder, String.valueOf(port));
      }
    }
    Path next = links.resolveSibling("links.yaml.next");
    Files.writeString(next, yaml);
    Files.move(next, links, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Stops the control plane and starts a new one on the same port, as a redeploy would. */
  void restartControlPlane(Duration downtime) throws Exception {
    int port = controlPlane.xdsPort();
    int adminPort = controlPlane.adminPort().getAsInt();
    controlPlane.close();
    Thread.sleep(downtime.toMillis()); // the downtime itself: proxies go on without a control plane
    controlPlane = ControlPlaneComponent.create(onLoopback(port, adminPort), new FileLinkSource(links));
    controlPlane.start();
  }

  private static ControlPlaneConfig onLoopback(int xdsPort, int adminPort) {
    return ControlPlaneConfig.of(new InetSocketAddress("127.0.0.1", xdsPort), new InetSocketAddress("127.0.0.1", adminPort));
  }

  EchoServer echo(int i) {
    return echoes.get(i - 1);
  }

  /** A plain channel to the proxy, as an application would have. */
  ManagedChannel proxyChannel() {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port())
        .usePlaintext()
        .maxInboundMessageSize(64 * 1024 * 1024)
        .build();
    channels.add(channel);
    return channel;
  }

  /** A plaintext channel to {@code port} on loopback, closed with the Mesh. */
  ManagedChannel channelTo(int port) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  /** A channel to the proxy whose calls carry {@code authority}, for a proxy that routes by it. */
  ManagedChannel proxyChannel(String authority) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port())
        .overrideAuthority(authority)
        .usePlaintext()
        .build();
    channels.add(channel);
    return channel;
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    proxy.close();
    sidecars.forEach(sidecar -> sidecar.process().destroy());
    processes.forEach(Process::destroy);
    controlPlane.close();
    echoes.forEach(EchoServer::close);
  }
}
