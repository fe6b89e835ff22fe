package dev.fulcrum.tools.demo;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.ProxyFlags;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.contract.stats.BackendStats;
import dev.fulcrum.contract.stats.ProxyStats;
import dev.fulcrum.contract.stats.StatsJson;
import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.identity.IdentityConfig;
import dev.fulcrum.controlplane.source.FileLinkSource;
import dev.fulcrum.dataplane.Proxy;
import dev.fulcrum.dataplane.ProxyComponent;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.tools.Fulcrum;
import dev.fulcrum.tools.LocalLinks;
import dev.fulcrum.tools.ProxyCommand;
import dev.fulcrum.tools.echo.EchoServer;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "The seed's demo in one command: two echo servers, each behind an inbound sidecar (strict mTLS),",
        "a control plane serving a Link for them from a YAML file and issuing the identities, and a proxy",
        "in front; sends calls through the proxy and prints how they spread across the backends, and that",
        "each went over mTLS to the identity expected. Exits 0 when every call succeeded over mTLS and",
        "every backend answered."})
public final class DemoCommand implements Callable<Integer> {
  static final String SERVICE = "grpc-service.default.svc.cluster.local";
  static final int SERVICE_PORT = 50051;
  static final String CLIENT_IDENTITY = "default/demo-client";

  @Option(names = "--echo-ports", split = ",", defaultValue = "7001,7002", description = "Echo servers' ports, 0 for any free one (default: ${DEFAULT-VALUE}).")
  List<Integer> echoPorts;

  @Option(names = "--inbound-ports", split = ",", defaultValue = ProxyFlags.DEFAULT_INBOUND_PORT + ",4144",
      description = "The echo servers' inbound sidecars' ports, 0 for any free one (default: ${DEFAULT-VALUE}).")
  List<Integer> inboundPorts;

  @Option(names = "--proxy-port", defaultValue = "8080", description = "The proxy's port (default: ${DEFAULT-VALUE}).")
  int proxyPort;

  @Option(names = "--xds-port", defaultValue = "18000", description = "The control plane's ADS port (default: ${DEFAULT-VALUE}).")
  int xdsPort;

  @Option(names = "--admin-port", defaultValue = "" + ControlPlaneConfig.DEFAULT_ADMIN_PORT,
      description = "The control plane's dashboard port (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--calls", defaultValue = "1000", description = "Calls to send (default: ${DEFAULT-VALUE}).")
  int calls;

  @Option(names = "--keep-running", description = "Leave everything running for you to try, until Ctrl-C.")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    if (inboundPorts.size() != echoPorts.size()) {
      throw new Fulcrum.UsageException("--inbound-ports: " + inboundPorts.size() + " ports for " + echoPorts.size()
          + " echo servers");
    }
    List<EchoServer> echoes = new ArrayList<>();
    List<Proxy> sidecars = new ArrayList<>();
    ControlPlane controlPlane = null;
    Proxy proxy = null;
    ManagedChannel channel = null;
    try {
      for (int i = 0; i < echoPorts.size(); i++) {
        EchoServer echo = EchoServer.start(echoPorts.get(i), "v" + (i + 1));
        echo.service().logRequests(false);
        echoes.add(echo);
      }
      Path dir = Files.createTempDirectory("fulcrum-demo");
      Path links = dir.resolve("links.yaml");
      Files.writeString(links, ""); // the Link comes once the sidecars listen, on the ports they got
      controlPlane = ControlPlaneComponent.create(ControlPlaneConfig.of(new InetSocketAddress("127.0.0.1", xdsPort),
              new InetSocketAddress("127.0.0.1", adminPort))
          .withIdentity(IdentityConfig.inDirectory(dir.resolve("ca"), SpiffeId.DEFAULT_TRUST_DOMAIN,
              IdentityConfig.DEFAULT_LIFETIME)), new FileLinkSource(links));
      controlPlane.start();
      String xds = "127.0.0.1:" + controlPlane.xdsPort();
      List<String> identities = new ArrayList<>();
      for (int i = 0; i < echoes.size(); i++) {
        identities.add("default/echo-v" + (i + 1));
        sidecars.add(ProxyComponent.create(ProxyConfig.local(0, xds, Optional.empty(), ProxyCommand.nodeId() + "-v" + (i + 1))
            .withIdentity(new ProxyConfig.Identity(identities.get(i), Optional.empty(), Optional.empty()))
            .withInbound(new ProxyConfig.Inbound(new InetSocketAddress("127.0.0.1", inboundPorts.get(i)),
                echoes.get(i).port(), InboundTls.STRICT), false)).start());
      }
      List<Integer> targetPorts = sidecars.stream().map(Proxy::inboundPort).toList();
      Files.writeString(links, LocalLinks.yaml("my-grpc-service", SERVICE, SERVICE_PORT, targetPorts, identities));
      String service = SERVICE + ":" + SERVICE_PORT;
      proxy = ProxyComponent.create(ProxyConfig.local(proxyPort, xds, Optional.of(service), ProxyCommand.nodeId())
          .withIdentity(new ProxyConfig.Identity(CLIENT_IDENTITY, Optional.empty(), Optional.empty())));
      proxy.start();
      awaitReady(proxy);

      System.out.println();
      System.out.println("Fulcrum demo");
      for (int i = 0; i < echoes.size(); i++) {
        System.out.printf("  echo server v%d     127.0.0.1:%d, behind its inbound sidecar on 127.0.0.1:%d (strict mTLS, %s)%n",
            i + 1, echoes.get(i).port(), sidecars.get(i).inboundPort(), identities.get(i));
      }
      System.out.printf("  control plane      ADS and identities on 127.0.0.1:%d, Links from %s%n", controlPlane.xdsPort(), links);
      System.out.printf("  proxy              127.0.0.1:%d -> %s, as %s%n", proxy.port(), service, CLIENT_IDENTITY);
      String dashboard = "http://127.0.0.1:" + controlPlane.adminPort().getAsInt() + "/";
      System.out.printf("  dashboard          %s%n", dashboard);

      channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext().build();
      Map<String, Integer> perBackend = new TreeMap<>();
      echoes.forEach(echo -> perBackend.put(echoName(echoes, echo), 0));
      int failed = 0;
      long start = System.nanoTime();
      EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
      for (int i = 0; i < calls; i++) {
        try {
          String server = stub.withDeadlineAfter(5, TimeUnit.SECONDS)
              .echo(EchoRequest.newBuilder().setMessage("hello " + i).build())
              .getServer();
          perBackend.merge(server, 1, Integer::sum);
        } catch (StatusRuntimeException e) {
          failed++;
          if (failed == 1) {
            System.out.println("  first failure: " + e.getStatus());
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;

      System.out.printf("%nSent %d calls through the proxy in %.2f s, %d failed:%n", calls, seconds, failed);
      System.out.printf("  %-8s %7s %7s%n", "backend", "calls", "share");
      perBackend.forEach((server, count) ->
          System.out.printf("  %-8s %7d %6.1f%%%n", server, count, 100.0 * count / calls));
      // How the proxy reached each backend, as its own /stats says.
      ProxyStats stats = proxyStats(proxy);
      boolean allMtls = true;
      System.out.printf("%nHow the proxy reached them:%n");
      for (int i = 0; i < echoes.size(); i++) {
        String inbound = "127.0.0.1:" + sidecars.get(i).inboundPort();
        BackendStats row = backendRow(stats, inbound);
        boolean mtls = row != null && row.getTls();
        allMtls &= mtls && row.getIdentity().endsWith("/ns/default/sa/echo-v" + (i + 1));
        System.out.printf("  v%d (app 127.0.0.1:%d) via %s: %s%n", i + 1, echoes.get(i).port(), inbound,
            row == null ? "no calls" : mtls ? "mTLS, server proved " + row.getIdentity() : "PLAINTEXT");
      }
      boolean ok = failed == 0 && allMtls && perBackend.values().stream().allMatch(count -> count > 0);

      if (keepRunning) {
        echoes.forEach(echo -> echo.service().logRequests(true));
        System.out.printf("%nEverything keeps running until Ctrl-C. Try:%n");
        System.out.printf("  tools/fulcrum bench --target 127.0.0.1:%d --duration 5s%n", proxy.port());
        System.out.printf("  edit %s (say, remove a target) and watch the calls follow%n", links);
        System.out.printf("  open %s, or: tools/fulcrum stat --control-plane 127.0.0.1:%d%n",
            dashboard, controlPlane.adminPort().getAsInt());
        new CountDownLatch(1).await();
      }
      return ok ? 0 : 1;
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
      if (proxy != null) {
        proxy.close();
      }
      sidecars.forEach(Proxy::close);
      if (controlPlane != null) {
        controlPlane.close();
      }
      echoes.forEach(EchoServer::close);
    }
  }

  /** The proxy has the Link's configuration (its /ready says so): the file was just written. */
  private static void awaitReady(Proxy proxy) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + AdminPaths.READY)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the proxy did not get the demo's Link within 20 s");
      }
      Thread.sleep(20);
    }
  }

  private static ProxyStats proxyStats(Proxy proxy) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + proxy.adminPort() + AdminPaths.STATS)).build(), HttpResponse.BodyHandlers.ofString());
    return StatsJson.read(response.body());
  }

  private static BackendStats backendRow(ProxyStats stats, String backend) {
    return stats.getServicesList().stream().flatMap(service -> service.getBackendsList().stream())
        .filter(row -> row.getBackend().equals(backend)).findFirst().orElse(null);
  }

  private static String echoName(List<EchoServer> echoes, EchoServer echo) {
    return "v" + (echoes.indexOf(echo) + 1);
  }
}
