package dev.fulcrum.tools.demo;

import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.source.FileLinkSource;
import dev.fulcrum.dataplane.Proxy;
import dev.fulcrum.dataplane.ProxyComponent;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.tools.LocalLinks;
import dev.fulcrum.tools.ProxyCommand;
import dev.fulcrum.tools.echo.EchoServer;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
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
        "The seed's demo in one command: two echo servers, a control plane serving a Link for them",
        "from a YAML file, and a proxy in front; sends calls through the proxy and prints how they",
        "spread across the backends. Exits 0 when every call succeeded and every backend answered."})
public final class DemoCommand implements Callable<Integer> {
  static final String SERVICE = "grpc-service.default.svc.cluster.local";
  static final int SERVICE_PORT = 50051;

  @Option(names = "--echo-ports", split = ",", defaultValue = "7001,7002", description = "Echo servers' ports, 0 for any free one (default: ${DEFAULT-VALUE}).")
  List<Integer> echoPorts;

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
    List<EchoServer> echoes = new ArrayList<>();
    ControlPlane controlPlane = null;
    Proxy proxy = null;
    ManagedChannel channel = null;
    try {
      for (int i = 0; i < echoPorts.size(); i++) {
        EchoServer echo = EchoServer.start(echoPorts.get(i), "v" + (i + 1));
        echo.service().logRequests(false);
        echoes.add(echo);
      }
      Path links = Files.createTempDirectory("fulcrum-demo").resolve("links.yaml");
      // The ports the echo servers got (any free one for a port of 0).
      List<Integer> targetPorts = echoes.stream().map(EchoServer::port).toList();
      Files.writeString(links, LocalLinks.yaml("my-grpc-service", SERVICE, SERVICE_PORT, targetPorts));
      controlPlane = ControlPlaneComponent.create(ControlPlaneConfig.of(new InetSocketAddress("127.0.0.1", xdsPort),
          new InetSocketAddress("127.0.0.1", adminPort)), new FileLinkSource(links));
      controlPlane.start();
      String service = SERVICE + ":" + SERVICE_PORT;
      proxy = ProxyComponent.create(ProxyConfig.local(
          proxyPort, "127.0.0.1:" + controlPlane.xdsPort(), Optional.of(service), ProxyCommand.nodeId()));
      proxy.start();

      System.out.println();
      System.out.println("Fulcrum demo");
      for (int i = 0; i < echoes.size(); i++) {
        System.out.printf("  echo server v%d     127.0.0.1:%d%n", i + 1, echoes.get(i).port());
      }
      System.out.printf("  control plane      ADS on 127.0.0.1:%d, Links from %s%n", controlPlane.xdsPort(), links);
      System.out.printf("  proxy              127.0.0.1:%d -> %s%n", proxy.port(), service);
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
      boolean ok = failed == 0 && perBackend.values().stream().allMatch(count -> count > 0);

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
      if (controlPlane != null) {
        controlPlane.close();
      }
      echoes.forEach(EchoServer::close);
    }
  }

  private static String echoName(List<EchoServer> echoes, EchoServer echo) {
    return "v" + (echoes.indexOf(echo) + 1);
  }
}
