package dev.fulcrum.tools;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.ProxyFlags;
import dev.fulcrum.dataplane.Proxy;
import dev.fulcrum.dataplane.ProxyComponent;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.tools.Fulcrum.UsageException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = ProxyFlags.COMMAND, mixinStandardHelpOptions = true,
    description = {
        "Runs the data-plane proxy: takes any gRPC call on --listen-port and balances each request.",
        "Either subscribe to a control plane (--xds-server, with --service to fix the service), or use",
        "the quick form --target-ports, which embeds a control plane serving one Link for those ports."})
public final class ProxyCommand implements Callable<Integer> {

  @Option(names = ProxyFlags.LISTEN_PORT, defaultValue = "8080", description = "Port for applications' calls (default: ${DEFAULT-VALUE}).")
  int listenPort;

  @Option(names = ProxyFlags.LISTEN_ADDRESS, defaultValue = "127.0.0.1",
      description = "Address for applications' calls (default: ${DEFAULT-VALUE}, like a sidecar).")
  String listenAddress;

  @Option(names = "--max-message-size", defaultValue = "" + ProxyConfig.DEFAULT_MAX_MESSAGE_BYTES,
      description = "Largest message passed, in bytes (default: ${DEFAULT-VALUE}).")
  int maxMessageBytes;

  @Option(names = ProxyFlags.ADMIN_PORT, defaultValue = "" + AdminPaths.DEFAULT_PORT,
      description = "Port of the admin endpoint: /metrics, /stats, /config_dump, /ready, /live (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = ProxyFlags.ADMIN_ADDRESS, defaultValue = "127.0.0.1",
      description = "Address of the admin endpoint (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Option(names = ProxyFlags.OTLP_ENDPOINT, paramLabel = "URL",
      description = "Export a span per call over OTLP/HTTP to this URL, e.g. http://localhost:4318/v1/traces (default: tracing off).")
  String otlpEndpoint;

  @Option(names = ProxyFlags.TRACE_SAMPLING, defaultValue = "" + ProxyFlags.DEFAULT_TRACE_SAMPLING, paramLabel = "RATIO",
      description = "Share of calls that start a trace, 0 to 1 (default: ${DEFAULT-VALUE}). A call that comes with a"
          + " traceparent is traced as its caller decided.")
  double traceSampling;

  @Option(names = "--no-metrics", description = "Measure nothing (to see what metrics cost).")
  boolean noMetrics;

  @Option(names = ProxyFlags.IO_THREADS, defaultValue = "" + ProxyConfig.DEFAULT_IO_THREADS, paramLabel = "N",
      description = "Network threads, 0 for one per core (default: ${DEFAULT-VALUE}: a call never changes threads, and the"
          + " proxy uses one core at most). More for many busy connections on a machine with cores to spare.")
  int ioThreads;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Upstream upstream;

  static final class Upstream {
    @ArgGroup(exclusive = false)
    ControlPlaneFlags controlPlane;

    @Option(names = "--target-ports", split = ",", paramLabel = "PORT[,PORT...]",
        description = "Quick form: balance over 127.0.0.1 at these ports, through an embedded control plane.")
    List<Integer> targetPorts;
  }

  static final class ControlPlaneFlags {
    @Option(names = ProxyFlags.XDS_SERVER, required = true, paramLabel = "HOST:PORT", description = "The control plane's ADS address.")
    String xdsServer;

    @Option(names = ProxyFlags.SERVICE, paramLabel = "NAME:PORT",
        description = "Send every call to this Link's service (default: the service each call's :authority names).")
    String service;
  }

  @Override
  public Integer call() throws Exception {
    if (ioThreads < 0) {
      throw new UsageException("--io-threads: " + ioThreads + " is below 0");
    }
    if (!ProxyFlags.isTraceSampling(traceSampling)) {
      throw new UsageException("--trace-sampling: " + traceSampling + " is not between 0 and 1");
    }
    QuickControlPlane embedded = null;
    String xdsServer;
    Optional<String> service;
    if (upstream.targetPorts != null) {
      if (!Fulcrum.hasControlPlane()) {
        throw new UsageException("--target-ports embeds a control plane, and this build has none: use --xds-server");
      }
      for (int port : upstream.targetPorts) {
        if (port < 1 || port > 65535) {
          throw new UsageException("--target-ports: " + port + " is not a port (1-65535)");
        }
      }
      embedded = QuickControlPlane.start(listenPort, upstream.targetPorts);
      xdsServer = embedded.xdsServer();
      service = Optional.of(LocalLinks.SERVICE + ":" + listenPort);
    } else {
      xdsServer = HostPort.parse("--xds-server", upstream.controlPlane.xdsServer).toString();
      service = Optional.ofNullable(upstream.controlPlane.service)
          .map(s -> HostPort.parse("--service", s).toString());
    }
    Proxy proxy = ProxyComponent.create(new ProxyConfig(new InetSocketAddress(listenAddress, listenPort),
        xdsServer, service, maxMessageBytes, nodeId(), new InetSocketAddress(adminAddress, adminPort),
        Optional.ofNullable(otlpEndpoint), traceSampling, !noMetrics, ioThreads));
    proxy.start();
    QuickControlPlane toClose = embedded;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      proxy.close();
      if (toClose != null) {
        toClose.close();
      }
    }));
    new CountDownLatch(1).await();
    return 0;
  }

  /** "fulcrum-proxy-1234@host": unique per process, readable in the control plane's logs. */
  public static String nodeId() {
    return "fulcrum-proxy-" + ManagementFactory.getRuntimeMXBean().getName();
  }
}
