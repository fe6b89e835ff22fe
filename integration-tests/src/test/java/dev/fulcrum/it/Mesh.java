package dev.fulcrum.it;

import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.source.FileLinkSource;
import dev.fulcrum.dataplane.Proxy;
import dev.fulcrum.dataplane.ProxyComponent;
import dev.fulcrum.dataplane.ProxyConfig;
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

  final Path links;
  final List<EchoServer> echoes = new ArrayList<>();
  ControlPlane controlPlane;
  final Proxy proxy;
  private final List<ManagedChannel> channels = new ArrayList<>();

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
    for (int i = 1; i <= backends; i++) {
      EchoServer echo = EchoServer.start(new InetSocketAddress("127.0.0.1", 0), "v" + i);
      echo.service().logRequests(false);
      echoes.add(echo);
    }
    links = Files.createTempDirectory("fulcrum-it").resolve("links.yaml");
    writeLinks(linksYaml);
    controlPlane = ControlPlaneComponent.create(onLoopback(0, 0), new FileLinkSource(links));
    controlPlane.start();
    proxy = ProxyComponent.create(proxyConfig.apply(
        ProxyConfig.local(0, "127.0.0.1:" + controlPlane.xdsPort(), service, "it-proxy")));
    proxy.start();
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
      yaml = yaml.replace("{v" + (i + 1) + "}", String.valueOf(echoes.get(i).port()));
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
    controlPlane.close();
    echoes.forEach(EchoServer::close);
  }
}
