package dev.fulcrum.tools;

import dev.fulcrum.api.link.LinkYaml;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.ProxyFlags;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.ControlPlane;
import dev.fulcrum.controlplane.ControlPlaneComponent;
import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.identity.IdentityConfig;
import dev.fulcrum.controlplane.identity.IssuerSecret;
import dev.fulcrum.controlplane.injection.SidecarSettings;
import dev.fulcrum.controlplane.injection.WebhookConfig;
import dev.fulcrum.controlplane.kubernetes.KubernetesLinkSource;
import dev.fulcrum.controlplane.mesh.MeshReconciler;
import dev.fulcrum.controlplane.source.FileLinkSource;
import dev.fulcrum.controlplane.source.LinkSource;
import dev.fulcrum.tools.Fulcrum.UsageException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "control-plane", mixinStandardHelpOptions = true,
    description = {
        "Serves Links to proxies over xDS (ADS): from a YAML file (re-read when it changes), or from the",
        "Kubernetes API (Link resources, Services and EndpointSlices, watched); a dashboard of the",
        "proxies' traffic on the admin port, with /ready and /live for probes; and, with --webhook-port,",
        "the admission webhook that injects the proxy into pods (see docs/deployment.md).",
    })
public final class ControlPlaneCommand implements Callable<Integer> {

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of Link documents, separated by ---.")
    Path config;

    @Option(names = "--kubernetes", description = "Watch Links, Services and EndpointSlices in Kubernetes "
        + "(in-cluster credentials, else the usual kubeconfig). Needs the CRD in deploy/crds/.")
    boolean kubernetes;
  }

  @Option(names = "--namespace", paramLabel = "NS",
      description = "With --kubernetes: watch this namespace only (default: all namespaces).")
  Optional<String> namespace;

  @Option(names = "--cluster-domain", defaultValue = "cluster.local",
      description = "With --kubernetes: the cluster's DNS domain, for Service names (default: ${DEFAULT-VALUE}).")
  String clusterDomain;

  @Option(names = "--xds-port", defaultValue = "18000", description = "Port to serve ADS on (default: ${DEFAULT-VALUE}).")
  int xdsPort;

  @Option(names = "--xds-address", defaultValue = "0.0.0.0", description = "Address to serve ADS on (default: ${DEFAULT-VALUE}).")
  String xdsAddress;

  @Option(names = "--admin-port", defaultValue = "" + ControlPlaneConfig.DEFAULT_ADMIN_PORT,
      description = "Port of the dashboard: /, /api/stats, and /ready and /live for probes (default: ${DEFAULT-VALUE}).")
  int adminPort;

  // Loopback: the dashboard has no authentication. kubectl port-forward reaches it there; to serve
  // it to a network, say so with --admin-address.
  @Option(names = "--admin-address", defaultValue = "127.0.0.1",
      description = "Address of the dashboard (default: ${DEFAULT-VALUE}; it has no authentication).")
  String adminAddress;

  @Option(names = "--webhook-port", paramLabel = "PORT",
      description = "Serve the sidecar injection webhook (HTTPS) on this port, e.g. " + WebhookConfig.DEFAULT_PORT
          + " (default: no webhook). Needs --webhook-cert and --webhook-key.")
  Integer webhookPort;

  @Option(names = "--webhook-address", defaultValue = "0.0.0.0",
      description = "Address of the webhook (default: ${DEFAULT-VALUE}: the API server calls it from outside the pod).")
  String webhookAddress;

  @Option(names = "--webhook-cert", paramLabel = "FILE",
      description = "The webhook's PEM certificate chain (a TLS Secret's tls.crt).")
  Path webhookCert;

  @Option(names = "--webhook-key", paramLabel = "FILE",
      description = "The webhook's PEM private key, PKCS#8 or PKCS#1 RSA (a TLS Secret's tls.key).")
  Path webhookKey;

  @Option(names = "--proxy-image", defaultValue = SidecarSettings.DEFAULT_IMAGE,
      description = "Image of the proxies the webhook injects (default: ${DEFAULT-VALUE}).")
  String proxyImage;

  @Option(names = "--proxy-xds-server", paramLabel = "HOST:PORT", defaultValue = SidecarSettings.DEFAULT_XDS_SERVER,
      description = "This control plane's ADS address as injected proxies reach it (default: ${DEFAULT-VALUE}).")
  String proxyXdsServer;

  @Option(names = "--proxy-outbound-port", defaultValue = "" + SidecarSettings.DEFAULT_OUTBOUND_PORT,
      description = "Port injected proxies take applications' calls on, on 127.0.0.1 (default: ${DEFAULT-VALUE}; "
          + "a pod's fulcrum.io/outbound-port annotation overrides it).")
  int proxyOutboundPort;

  @Option(names = "--proxy-admin-port", defaultValue = "" + SidecarSettings.DEFAULT_ADMIN_PORT,
      description = "Admin port of injected proxies: probes, metrics, the dashboard's polls (default: ${DEFAULT-VALUE}; "
          + "a pod's fulcrum.io/admin-port annotation overrides it).")
  int proxyAdminPort;

  @Option(names = "--proxy-otlp-endpoint", paramLabel = "URL",
      description = "Where injected proxies send a span per call, over OTLP/HTTP, e.g."
          + " http://otel-collector.observability:4318/v1/traces (default: they trace nothing).")
  String proxyOtlpEndpoint;

  @Option(names = "--proxy-trace-sampling", paramLabel = "RATIO",
      description = "Share of calls without a trace that injected proxies start one for, 0 to 1 (default: 1);"
          + " with --proxy-otlp-endpoint.")
  Double proxyTraceSampling;

  @Option(names = "--default-inbound-tls", paramLabel = "strict|permissive",
      description = "Mode of injected proxies' inbound sides where neither the pod's annotation nor its namespace's label"
          + " fulcrum.io/inbound-tls sets one (default: permissive).")
  String defaultInboundTls;

  @Option(names = DefaultInboundPolicy.FLAG, paramLabel = "allow|authenticated|deny",
      description = "What a server accepts when no Authorization selects it and its workload sets no default of its own"
          + " (annotation fulcrum.io/default-inbound-policy): every caller, meshed callers only, or nobody (default: allow).")
  String defaultInboundPolicy;

  @Option(names = "--identity-dir", paramLabel = "DIR",
      description = "File mode: serve workload identities (mTLS certificates), from a CA kept in DIR: made there at"
          + " first start, reused afterwards. It certifies whatever identity a local caller asks for (development mode).")
  Path identityDir;

  @Option(names = "--trust-domain", defaultValue = SpiffeId.DEFAULT_TRUST_DOMAIN,
      description = "The SPIFFE trust domain of the identities it issues (default: ${DEFAULT-VALUE}).")
  String trustDomain;

  @Option(names = "--identity-lifetime", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long a workload certificate lasts, e.g. 24h (the default) or 30s.")
  Duration identityLifetime;

  @Option(names = "--identity-namespace", paramLabel = "NS",
      description = "Kubernetes mode: the namespace of the issuer Secret and the trust-anchor ConfigMap (default: the"
          + " control plane's own, else fulcrum-system).")
  String identityNamespace;

  @Option(names = "--identity-issuer-secret", defaultValue = IssuerSecret.DEFAULT_SECRET, paramLabel = "NAME",
      description = "Kubernetes mode: the issuer Secret, in cert-manager's layout: tls.crt, tls.key, ca.crt (default: ${DEFAULT-VALUE}).")
  String issuerSecret;

  @Option(names = "--trust-anchors-configmap", defaultValue = IssuerSecret.DEFAULT_ANCHORS, paramLabel = "NAME",
      description = "Kubernetes mode: the ConfigMap whose ca-bundle.crt holds the trust anchors (default: ${DEFAULT-VALUE};"
          + " without it, the issuer Secret's ca.crt).")
  String trustAnchorsConfigMap;

  /** Where a pod's own namespace is written. */
  private static final Path POD_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private KubernetesClient client;

  @Override
  public Integer call() throws Exception {
    if (source.kubernetes) {
      // In a pod: the service account; elsewhere: KUBECONFIG or ~/.kube/config, as kubectl does.
      client = new KubernetesClientBuilder().build();
    }
    ControlPlaneConfig config = config();
    LinkSource links = source.kubernetes ? kubernetes() : file();
    ControlPlane controlPlane;
    try {
      controlPlane = ControlPlaneComponent.create(config, links);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      throw new UsageException("--identity-dir: " + e.getMessage());
    }
    try {
      controlPlane.start();
    } catch (IllegalStateException e) {
      controlPlane.close();
      throw new UsageException(e.getMessage());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(controlPlane::close));
    new CountDownLatch(1).await();
    return 0;
  }

  /** Where to serve, from the flags; a flag that cannot be used is a {@link UsageException}. */
  ControlPlaneConfig config() {
    checkPort("--admin-port", adminPort, 0);
    ControlPlaneConfig config = ControlPlaneConfig.of(
        new InetSocketAddress(xdsAddress, xdsPort), new InetSocketAddress(adminAddress, adminPort))
        .withDefaultInboundPolicy(defaultInboundPolicy());
    config = webhookPort == null ? noWebhook(config) : config.withWebhook(webhook());
    return identityDir == null && !source.kubernetes ? noIdentity(config) : config.withIdentity(identity());
  }

  private ControlPlaneConfig noIdentity(ControlPlaneConfig config) {
    if (identityLifetime != null) {
      throw new UsageException("--identity-lifetime: only with --identity-dir");
    }
    return config;
  }

  private IdentityConfig identity() {
    if (source.kubernetes && identityDir != null) {
      throw new UsageException("--identity-dir: file mode only; in Kubernetes the CA comes from the issuer Secret");
    }
    try {
      SpiffeId.ofWorkload("default/default", trustDomain);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--trust-domain: " + e.getMessage());
    }
    try {
      IdentityConfig.Ca ca = source.kubernetes
          ? new IdentityConfig.FromKubernetes(client, identityNamespace(), issuerSecret, trustAnchorsConfigMap)
          : new IdentityConfig.InDirectory(identityDir);
      return new IdentityConfig(ca, trustDomain, identityLifetime == null ? IdentityConfig.DEFAULT_LIFETIME : identityLifetime);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--identity-lifetime: " + e.getMessage());
    }
  }

  private ControlPlaneConfig noWebhook(ControlPlaneConfig config) {
    if (webhookCert != null || webhookKey != null) {
      throw new UsageException("--webhook-cert and --webhook-key: only with --webhook-port");
    }
    if (defaultInboundTls != null) {
      throw new UsageException("--default-inbound-tls: only with --webhook-port (it is the injector's default)");
    }
    return config;
  }

  private WebhookConfig webhook() {
    checkPort("--webhook-port", webhookPort, 0);
    checkPort("--proxy-outbound-port", proxyOutboundPort, 1);
    checkPort("--proxy-admin-port", proxyAdminPort, 1);
    if (proxyOutboundPort == proxyAdminPort) {
      throw new UsageException("--proxy-outbound-port and --proxy-admin-port: both " + proxyAdminPort);
    }
    readable("--webhook-cert", webhookCert);
    readable("--webhook-key", webhookKey);
    return new WebhookConfig(new InetSocketAddress(webhookAddress, webhookPort), webhookCert, webhookKey,
        new SidecarSettings(proxyImage, HostPort.parse("--proxy-xds-server", proxyXdsServer).toString(),
            proxyOutboundPort, proxyAdminPort, proxyOtlpEndpoint(), proxyTraceSampling(),
            // Identities for injected proxies where this control plane issues them.
            source.kubernetes || identityDir != null, defaultInboundTls()));
  }

  private DefaultInboundPolicy defaultInboundPolicy() {
    return defaultInboundPolicy == null ? DefaultInboundPolicy.DEFAULT
        : DefaultInboundPolicy.of(defaultInboundPolicy.trim()).orElseThrow(() -> new UsageException(
            DefaultInboundPolicy.FLAG + ": '" + defaultInboundPolicy + "' is not one of " + DefaultInboundPolicy.choices()));
  }

  private InboundTls defaultInboundTls() {
    return defaultInboundTls == null ? InboundTls.DEFAULT : InboundTls.of(defaultInboundTls.trim()).orElseThrow(() ->
        new UsageException("--default-inbound-tls: '" + defaultInboundTls + "' is neither strict nor permissive"));
  }

  /** Checked here: a URL the proxies could not use would make every injected proxy fail to start. */
  private Optional<String> proxyOtlpEndpoint() {
    if (proxyOtlpEndpoint == null) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(proxyOtlpEndpoint);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return Optional.of(proxyOtlpEndpoint);
      }
    } catch (URISyntaxException e) {
      // said below
    }
    throw new UsageException("--proxy-otlp-endpoint: '" + proxyOtlpEndpoint + "' is not an http(s) URL");
  }

  private double proxyTraceSampling() {
    if (proxyTraceSampling == null) {
      return ProxyFlags.DEFAULT_TRACE_SAMPLING;
    }
    if (proxyOtlpEndpoint == null) {
      throw new UsageException("--proxy-trace-sampling: only with --proxy-otlp-endpoint");
    }
    if (!ProxyFlags.isTraceSampling(proxyTraceSampling)) {
      throw new UsageException("--proxy-trace-sampling: " + proxyTraceSampling + " is not between 0 and 1");
    }
    return proxyTraceSampling;
  }

  private static void checkPort(String flag, int port, int lowest) {
    if (port < lowest || port > 65535) {
      throw new UsageException(flag + ": " + port + " is not a port (" + lowest + "-65535)");
    }
  }

  private static void readable(String flag, Path file) {
    if (file == null) {
      throw new UsageException(flag + ": needed with --webhook-port");
    }
    if (!Files.isReadable(file)) {
      throw new UsageException(flag + ": cannot read " + file);
    }
  }

  private LinkSource file() throws Exception {
    if (namespace.isPresent()) {
      throw new UsageException("--namespace: only with --kubernetes");
    }
    Path config = source.config;
    if (!Files.isReadable(config)) {
      throw new UsageException("--config: cannot read " + config);
    }
    // Refuse a bad file at start; once running, a bad edit is logged and the last good Links serve on.
    List<String> errors = MeshReconciler.check(
        LinkYaml.read(config.getFileName().toString(), Files.readString(config)));
    if (!errors.isEmpty()) {
      throw new UsageException(String.join("; ", errors));
    }
    return new FileLinkSource(config);
  }

  private String identityNamespace() {
    if (identityNamespace != null) {
      return identityNamespace;
    }
    try {
      return Files.isReadable(POD_NAMESPACE) ? Files.readString(POD_NAMESPACE).strip() : "fulcrum-system";
    } catch (java.io.IOException e) {
      return "fulcrum-system";
    }
  }

  private LinkSource kubernetes() {
    return new KubernetesLinkSource(client, new KubernetesLinkSource.Settings(
        namespace, clusterDomain, Duration.ofMillis(5), Duration.ofSeconds(60)));
  }
}
