package dev.fulcrum.tools;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.ProxyFlags;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.capture.OpaquePorts;
import dev.fulcrum.dataplane.Proxy;
import dev.fulcrum.dataplane.ProxyComponent;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.tools.Fulcrum.UsageException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
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

  static final int DEFAULT_LISTEN_PORT = 8080;

  @Option(names = ProxyFlags.LISTEN_PORT, paramLabel = "PORT",
      description = "Port for applications' calls, the outbound side (default: " + DEFAULT_LISTEN_PORT
          + "; with --inbound-port, no outbound side unless this is given).")
  Integer listenPort;

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

  @Option(names = ProxyFlags.IDENTITY, paramLabel = "NAMESPACE/SERVICEACCOUNT",
      description = "The workload's identity: the proxy gets a certificate for it from the control plane's identity"
          + " service and speaks mTLS to meshed endpoints (and, with --inbound-port, to its callers).")
  String identity;

  @Option(names = ProxyFlags.IDENTITY_DIR, paramLabel = "DIR",
      description = "Where the proxy keeps its key and certificate (default: a new private directory on /dev/shm).")
  Path identityDir;

  @Option(names = ProxyFlags.IDENTITY_TOKEN_FILE, paramLabel = "FILE",
      description = "In Kubernetes: the pod's projected ServiceAccount token, which proves the identity.")
  Path identityTokenFile;

  @Option(names = ProxyFlags.INBOUND_PORT, paramLabel = "PORT",
      description = "Serve the inbound side on this port (e.g. " + ProxyFlags.DEFAULT_INBOUND_PORT
          + "): meshed callers' calls arrive over mTLS and go on to --app-port. Needs --identity.")
  Integer inboundPort;

  @Option(names = "--inbound-address", defaultValue = "0.0.0.0",
      description = "Address of the inbound side (default: ${DEFAULT-VALUE}: callers come from other pods).")
  String inboundAddress;

  @Option(names = ProxyFlags.APP_PORT, paramLabel = "PORT",
      description = "The application's port on 127.0.0.1, where the inbound side forwards calls.")
  Integer appPort;

  @Option(names = ProxyFlags.INBOUND_TLS, paramLabel = "strict|permissive",
      description = "strict: mTLS with a mesh certificate only; permissive (the default): plaintext callers too.")
  String inboundTls;

  @Option(names = DefaultInboundPolicy.FLAG, paramLabel = "allow|authenticated|deny",
      description = "With --inbound-port: which callers this workload accepts when no Authorization selects it"
          + " (default: the control plane's default).")
  String defaultInboundPolicy;

  @Option(names = ProxyFlags.CAPTURED,
      description = "The pod's connections are captured (fulcrum capture install): gRPC to the mesh's services is"
          + " balanced, anything else passes through to where it was going.")
  boolean captured;

  @Option(names = OpaquePorts.FLAG, paramLabel = "PORT[,PORT...]",
      description = "With " + ProxyFlags.CAPTURED + ": destination ports passed through unread, at once; an empty list"
          + " for none (default: the ports of protocols whose server speaks first: 25,587,3306,4444,5432,6379,9300,11211).")
  String opaquePorts;

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
      int port = listenPort == null ? DEFAULT_LISTEN_PORT : listenPort;
      embedded = QuickControlPlane.start(port, upstream.targetPorts);
      xdsServer = embedded.xdsServer();
      service = Optional.of(LocalLinks.SERVICE + ":" + port);
    } else {
      xdsServer = HostPort.parse("--xds-server", upstream.controlPlane.xdsServer).toString();
      service = Optional.ofNullable(upstream.controlPlane.service)
          .map(s -> HostPort.parse("--service", s).toString());
    }
    Proxy proxy = ProxyComponent.create(config(xdsServer, service, embedded != null));
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

  /** The proxy the flags describe, subscribed to {@code xdsServer} ({@code embedded}: the quick form's own). */
  ProxyConfig config(String xdsServer, Optional<String> service, boolean embedded) {
    ProxyConfig config = new ProxyConfig(
        new InetSocketAddress(listenAddress, listenPort == null ? DEFAULT_LISTEN_PORT : listenPort),
        xdsServer, service, maxMessageBytes, nodeId(), new InetSocketAddress(adminAddress, adminPort),
        Optional.ofNullable(otlpEndpoint), traceSampling, !noMetrics, ioThreads, true, Optional.empty(), Optional.empty(),
        Optional.empty());
    return withCapture(withInbound(withIdentity(config, embedded)), embedded);
  }

  private ProxyConfig withIdentity(ProxyConfig config, boolean embedded) {
    if (identity == null) {
      if (identityDir != null || identityTokenFile != null) {
        throw new UsageException("--identity-dir and --identity-token-file: only with --identity");
      }
      return config;
    }
    if (embedded) {
      throw new UsageException("--identity: not with --target-ports, whose embedded control plane issues no identities");
    }
    WorkloadFlags.check(ProxyFlags.IDENTITY, identity, ProxyFlags.IDENTITY_TOKEN_FILE, identityTokenFile);
    return config.withIdentity(new ProxyConfig.Identity(identity, Optional.ofNullable(identityDir),
        Optional.ofNullable(identityTokenFile)));
  }

  private ProxyConfig withInbound(ProxyConfig config) {
    if (inboundPort == null) {
      if (appPort != null || inboundTls != null || defaultInboundPolicy != null) {
        throw new UsageException("--app-port, --inbound-tls and " + DefaultInboundPolicy.FLAG + ": only with --inbound-port");
      }
      return config;
    }
    checkPort("--inbound-port", inboundPort);
    if (appPort == null) {
      throw new UsageException("--app-port: needed with --inbound-port (where the application listens)");
    }
    checkPort("--app-port", appPort);
    if (config.identity().isEmpty()) {
      throw new UsageException("--inbound-port: needs --identity (the inbound side terminates mTLS)");
    }
    InboundTls mode = inboundTls == null ? InboundTls.DEFAULT : InboundTls.of(inboundTls)
        .orElseThrow(() -> new UsageException("--inbound-tls: '" + inboundTls + "' is not strict or permissive"));
    Optional<DefaultInboundPolicy> defaultPolicy = Optional.ofNullable(defaultInboundPolicy).map(value -> DefaultInboundPolicy
        .of(value).orElseThrow(() -> new UsageException(DefaultInboundPolicy.FLAG + ": '" + value + "' is not "
            + DefaultInboundPolicy.choices())));
    return config.withInbound(new ProxyConfig.Inbound(new InetSocketAddress(inboundAddress, inboundPort), appPort, mode,
        defaultPolicy), listenPort != null);
  }

  private ProxyConfig withCapture(ProxyConfig config, boolean embedded) {
    if (!captured) {
      if (opaquePorts != null) {
        throw new UsageException(OpaquePorts.FLAG + ": only with " + ProxyFlags.CAPTURED);
      }
      return config;
    }
    if (embedded) {
      throw new UsageException(ProxyFlags.CAPTURED + ": not with --target-ports, whose embedded control plane serves one"
          + " service");
    }
    if (!config.outbound()) {
      throw new UsageException(ProxyFlags.CAPTURED + ": needs the outbound side (--listen-port), where captured"
          + " connections arrive");
    }
    OpaquePorts opaque = OpaquePorts.DEFAULT;
    if (opaquePorts != null) {
      try {
        opaque = OpaquePorts.parse(opaquePorts);
      } catch (IllegalArgumentException e) {
        throw new UsageException(OpaquePorts.FLAG + ": " + e.getMessage());
      }
    }
    return config.withCapture(new ProxyConfig.Capture(opaque));
  }

  private static void checkPort(String flag, int port) {
    if (port < 1 || port > 65535) {
      throw new UsageException(flag + ": " + port + " is not a port (1-65535)");
    }
  }

  /** "fulcrum-proxy-1234@host": unique per process, readable in the control plane's logs. */
  public static String nodeId() {
    return "fulcrum-proxy-" + ManagementFactory.getRuntimeMXBean().getName();
  }
}
