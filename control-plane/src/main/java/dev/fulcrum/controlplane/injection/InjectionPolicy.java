package dev.fulcrum.controlplane.injection;

import dev.fulcrum.api.link.LinkSchema;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.ProxyFlags;
import dev.fulcrum.contract.capture.CaptureSettings;
import dev.fulcrum.contract.capture.OpaquePorts;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Whether a pod gets a proxy, and on which ports (pure, given its namespace's labels). The pod's own
 * annotations win over its namespace's label, and that over the control plane's default; a pod that
 * already has the proxy never gets a second one.
 */
public final class InjectionPolicy {
  public static final String INJECT = "fulcrum.io/inject";
  public static final String ENABLED = "enabled";
  public static final String DISABLED = "disabled";
  /**
   * The label the injector puts on every pod it gives a proxy, so that the control plane can watch
   * those pods alone (every replica's dashboard then shows every proxy).
   */
  public static final String PROXY_LABEL = "fulcrum.io/proxy";
  public static final String INJECTED = "injected";
  /** Moves the proxy's ports when the application needs the defaults. */
  public static final String OUTBOUND_PORT = "fulcrum.io/outbound-port";
  public static final String ADMIN_PORT = "fulcrum.io/admin-port";
  /** The proxy's --service: every call to this Link's service, whatever its :authority. */
  public static final String SERVICE = "fulcrum.io/service";
  /** The proxy's CPU limit, and its network threads with it (see {@link ProxyCpu}). */
  public static final String PROXY_CPU_LIMIT = "fulcrum.io/proxy-cpu-limit";
  /**
   * The proxy as a Kubernetes native sidecar (1.29 and later): started, and ready, before the
   * application's containers, and stopped after them; a Job's pod completes when its work does.
   */
  public static final String NATIVE_SIDECAR = "fulcrum.io/native-sidecar";
  /** Moves the inbound side's port (default {@link ProxyFlags#DEFAULT_INBOUND_PORT}). */
  public static final String INBOUND_PORT = "fulcrum.io/inbound-port";
  /** The application's port the inbound side forwards to (default: the first container's first port). */
  public static final String APP_PORT = "fulcrum.io/app-port";
  /**
   * The pod's traffic captured ({@code enabled}, the default): an init container sends its TCP
   * connections through the proxy ({@link CaptureContainer}), so that its applications call services
   * by their usual names; {@code disabled}, they dial the proxy themselves.
   */
  public static final String CAPTURE = "fulcrum.io/capture";
  /** Destination ports whose connections are never captured outbound, comma-separated. */
  public static final String SKIP_OUTBOUND_PORTS = "fulcrum.io/skip-outbound-ports";
  /** The pod's ports whose connections are never captured inbound, comma-separated (the proxy's admin port never is). */
  public static final String SKIP_INBOUND_PORTS = "fulcrum.io/skip-inbound-ports";
  /** Destinations never captured outbound, IPv4 CIDRs, comma-separated. */
  public static final String SKIP_OUTBOUND_CIDRS = "fulcrum.io/skip-outbound-cidrs";
  /** Kubernetes' default service account, a pod's when it names none. */
  static final String DEFAULT_SERVICE_ACCOUNT = "default";

  private final SidecarSettings settings;
  private final NamespaceLabels namespaceLabels;

  public InjectionPolicy(SidecarSettings settings, NamespaceLabels namespaceLabels) {
    this.settings = settings;
    this.namespaceLabels = namespaceLabels;
  }

  /** {@code namespace}: the pod's, as the admission request says it (a new pod's metadata may not). */
  public Decision decide(Pod pod, OptIn optIn, String namespace) {
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      return new Decision.Skip("no spec");
    }
    for (String injected : List.of(ProxyContainer.NAME, CaptureContainer.NAME)) {
      if (ProxyContainer.named(spec, injected).isPresent()) {
        return new Decision.Skip("already has " + injected);
      }
    }
    Map<String, String> annotations = annotations(pod);
    String inject = annotations.get(INJECT);
    if (DISABLED.equals(inject)) {
      return new Decision.Skip(INJECT + ": " + DISABLED);
    }
    if (inject != null && !ENABLED.equals(inject)) {
      return neitherEnabledNorDisabled(INJECT, inject);
    }
    if (inject == null && optIn == OptIn.POD) {
      return new Decision.Skip("not opted in");
    }
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      // The proxy's ports would be the node's, shared by every such pod on it.
      return new Decision.Warn("hostNetwork pods get no Fulcrum proxy");
    }
    return asAnnotated(annotations, spec, namespace);
  }

  /** The proxy as the pod's annotations shape it: ports, service, CPU, kind of sidecar; or why not. */
  private Decision asAnnotated(Map<String, String> annotations, PodSpec spec, String namespace) {
    PortOrWarning outbound = port(annotations, OUTBOUND_PORT, settings.outboundPort());
    PortOrWarning admin = port(annotations, ADMIN_PORT, settings.adminPort());
    PortOrWarning inboundPort = port(annotations, INBOUND_PORT, ProxyFlags.DEFAULT_INBOUND_PORT);
    Optional<Integer> firstPort = orEmpty(spec.getContainers()).stream()
        .flatMap(container -> orEmpty(container.getPorts()).stream())
        .map(ContainerPort::getContainerPort).filter(Objects::nonNull).findFirst();
    PortOrWarning appPort = annotations.containsKey(APP_PORT) ? port(annotations, APP_PORT, 0)
        : new PortOrWarning(firstPort.orElse(0), null);
    for (PortOrWarning port : List.of(outbound, admin, inboundPort, appPort)) {
      if (port.warning() != null) {
        return new Decision.Warn(port.warning());
      }
    }
    // The proxy's own ports: distinct, and none an application container's.
    Map<Integer, String> proxyPorts = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, PortOrWarning> own : List.of(Map.entry(OUTBOUND_PORT, outbound), Map.entry(ADMIN_PORT, admin),
        Map.entry(INBOUND_PORT, inboundPort))) {
      String clash = proxyPorts.putIfAbsent(own.getValue().port(), own.getKey());
      if (clash != null) {
        return new Decision.Warn("the proxy's " + portName(clash) + " and " + portName(own.getKey()) + " ports are both "
            + own.getValue().port() + "; no proxy injected");
      }
    }
    for (Container container : orEmpty(spec.getContainers())) {
      for (ContainerPort declared : orEmpty(container.getPorts())) {
        Integer taken = declared.getContainerPort();
        if (taken != null && proxyPorts.containsKey(taken)) {
          return new Decision.Warn("port " + taken + " is container " + container.getName() + "'s; set "
              + proxyPorts.get(taken) + " to another; no proxy injected");
        }
      }
    }
    String inboundTlsValue = annotations.get(InboundTls.ANNOTATION);
    String inboundTlsSource = "annotation " + InboundTls.ANNOTATION;
    if (inboundTlsValue == null) {
      inboundTlsValue = namespaceLabels.of(namespace).get(InboundTls.ANNOTATION);
      inboundTlsSource = "namespace " + namespace + "'s label " + InboundTls.ANNOTATION;
    }
    Optional<InboundTls> inboundTls = inboundTlsValue == null ? Optional.of(settings.inboundTls())
        : InboundTls.of(inboundTlsValue.trim());
    if (inboundTls.isEmpty()) {
      return new Decision.Warn(inboundTlsSource + ": '" + inboundTlsValue + "' is neither "
          + InboundTls.STRICT.yamlName() + " nor " + InboundTls.PERMISSIVE.yamlName() + "; no proxy injected");
    }
    String defaultPolicyValue = annotations.get(DefaultInboundPolicy.ANNOTATION);
    Optional<DefaultInboundPolicy> defaultPolicy = defaultPolicyValue == null ? Optional.empty()
        : DefaultInboundPolicy.of(defaultPolicyValue.trim());
    if (defaultPolicyValue != null && defaultPolicy.isEmpty()) {
      return new Decision.Warn("annotation " + DefaultInboundPolicy.ANNOTATION + ": '" + defaultPolicyValue
          + "' is not one of " + DefaultInboundPolicy.choices() + "; no proxy injected");
    }
    // An application that listens on no port has no callers to take: an outbound side alone.
    Optional<Decision.Inbound> inbound = appPort.port() > 0 && settings.identity()
        ? Optional.of(new Decision.Inbound(inboundPort.port(), appPort.port(), inboundTls.get(), defaultPolicy))
        : Optional.empty();
    String account = serviceAccount(spec);
    Optional<String> service = Optional.ofNullable(annotations.get(SERVICE)).map(String::trim);
    if (service.isPresent() && !isNamePort(service.get())) {
      return new Decision.Warn(SERVICE + ": '" + service.get() + "' is not NAME:PORT; no proxy injected");
    }
    String cpuLimit = annotations.get(PROXY_CPU_LIMIT);
    Optional<ProxyCpu> cpu = cpuLimit == null ? Optional.of(ProxyCpu.DEFAULT) : ProxyCpu.parse(cpuLimit);
    if (cpu.isEmpty()) {
      return new Decision.Warn(PROXY_CPU_LIMIT + ": '" + cpuLimit
          + "' is not a CPU quantity of at least 1m (such as '2' or '1500m'); no proxy injected");
    }
    String nativeSidecar = annotations.getOrDefault(NATIVE_SIDECAR, DISABLED);
    if (!ENABLED.equals(nativeSidecar) && !DISABLED.equals(nativeSidecar)) {
      return neitherEnabledNorDisabled(NATIVE_SIDECAR, nativeSidecar);
    }
    Parsed<Optional<Decision.Capture>> capture = capture(annotations, spec, outbound.port(), admin.port(), inbound);
    if (capture.warning() != null) {
      return new Decision.Warn(capture.warning());
    }
    return new Decision.Inject(outbound.port(), admin.port(), service, cpu.get(), ENABLED.equals(nativeSidecar),
        settings.identity() ? Optional.of(namespace + "/" + account) : Optional.empty(), inbound, capture.value());
  }

  /**
   * The pod's traffic capture as its annotations shape it, none if it opts out, or the warning that
   * refuses it: to the proxy's ports, its own user exempt; with no inbound side, nothing captured
   * inbound. Every list is read even when capture is off, as every other annotation is.
   */
  private static Parsed<Optional<Decision.Capture>> capture(Map<String, String> annotations, PodSpec spec, int outboundPort,
      int adminPort, Optional<Decision.Inbound> inbound) {
    String capture = annotations.getOrDefault(CAPTURE, ENABLED);
    if (!ENABLED.equals(capture) && !DISABLED.equals(capture)) {
      return new Parsed<>(Optional.empty(), neitherEnabledNorDisabled(CAPTURE, capture).warning());
    }
    Parsed<List<Integer>> skipOutboundPorts = parsed(annotations, SKIP_OUTBOUND_PORTS, CaptureSettings::parsePorts, List.of());
    Parsed<List<Integer>> skipInboundPorts = parsed(annotations, SKIP_INBOUND_PORTS, CaptureSettings::parsePorts, List.of());
    Parsed<List<String>> skipOutboundCidrs = parsed(annotations, SKIP_OUTBOUND_CIDRS, CaptureSettings::parseCidrs, List.of());
    Parsed<Optional<OpaquePorts>> opaquePorts = parsed(annotations, OpaquePorts.ANNOTATION,
        list -> Optional.of(OpaquePorts.parse(list)), Optional.empty());
    for (Parsed<?> list : List.of(skipOutboundPorts, skipInboundPorts, skipOutboundCidrs, opaquePorts)) {
      if (list.warning() != null) {
        return new Parsed<>(Optional.empty(), list.warning());
      }
    }
    if (DISABLED.equals(capture)) {
      return new Parsed<>(Optional.empty(), null);
    }
    OptionalInt inboundPort = inbound.isPresent() ? OptionalInt.of(inbound.get().port()) : OptionalInt.empty();
    List<Integer> skipInbound = inbound.isPresent()
        ? skippedInbound(spec, inbound.get().appPort(), adminPort, skipInboundPorts.value()) : List.of();
    return new Parsed<>(Optional.of(new Decision.Capture(new CaptureSettings(CaptureSettings.DEFAULT_PROXY_UID, outboundPort,
        inboundPort, skipOutboundPorts.value(), skipInbound, skipOutboundCidrs.value()), opaquePorts.value())), null);
  }

  /**
   * The ports whose inbound connections are left alone: the annotation's, the proxy's admin port
   * (the kubelet probes it, the dashboard polls it), and every other port the pod's containers
   * declare or are probed on but the application's: the inbound side forwards to that one port
   * alone, so a connection to another one taken there would never reach its own.
   */
  private static List<Integer> skippedInbound(PodSpec spec, int appPort, int adminPort, List<Integer> annotated) {
    Set<Integer> skipped = new TreeSet<>(annotated);
    Stream.concat(orEmpty(spec.getContainers()).stream(), orEmpty(spec.getInitContainers()).stream()).forEach(container -> {
      orEmpty(container.getPorts()).stream().map(ContainerPort::getContainerPort).filter(Objects::nonNull).forEach(skipped::add);
      Stream.of(container.getLivenessProbe(), container.getReadinessProbe(), container.getStartupProbe())
          .filter(Objects::nonNull).map(InjectionPolicy::probedPort).flatMap(Optional::stream).forEach(skipped::add);
    });
    skipped.remove(appPort);
    skipped.add(adminPort);
    return List.copyOf(skipped);
  }

  /** The port number a probe names (a named port is one the container declares, counted as such). */
  private static Optional<Integer> probedPort(Probe probe) {
    IntOrString port = probe.getHttpGet() != null ? probe.getHttpGet().getPort()
        : probe.getTcpSocket() != null ? probe.getTcpSocket().getPort() : null;
    if (port != null) {
      return Optional.ofNullable(port.getIntVal());
    }
    return probe.getGrpc() == null ? Optional.empty() : Optional.ofNullable(probe.getGrpc().getPort());
  }

  private record Parsed<T>(T value, String warning) {}

  /** What {@code parse} reads from {@code annotation}, else {@code absent}; a warning naming it when it does not read. */
  private static <T> Parsed<T> parsed(Map<String, String> annotations, String annotation, Function<String, T> parse, T absent) {
    String value = annotations.get(annotation);
    if (value == null) {
      return new Parsed<>(absent, null);
    }
    try {
      return new Parsed<>(parse.apply(value), null);
    } catch (IllegalArgumentException e) {
      return new Parsed<>(absent, annotation + ": " + e.getMessage() + "; no proxy injected");
    }
  }

  /** The pod's service account: the one it names, else Kubernetes' default. */
  public static String serviceAccount(PodSpec spec) {
    String account = spec.getServiceAccountName();
    return account == null || account.isEmpty() ? DEFAULT_SERVICE_ACCOUNT : account;
  }

  /** "outbound" for {@link #OUTBOUND_PORT}: how a warning names a port. */
  private static String portName(String annotation) {
    return annotation.substring("fulcrum.io/".length(), annotation.length() - "-port".length());
  }

  private static Decision.Warn neitherEnabledNorDisabled(String annotation, String value) {
    return new Decision.Warn(annotation + ": '" + value + "' is neither " + ENABLED + " nor " + DISABLED
        + "; no proxy injected");
  }

  /** A Link's service as the CRD allows it: a host name, a colon, a port. */
  private static boolean isNamePort(String text) {
    int colon = text.lastIndexOf(':');
    return colon > 0 && text.substring(0, colon).matches(LinkSchema.HOST) && parsePort(text.substring(colon + 1)) > 0;
  }

  private record PortOrWarning(int port, String warning) {}

  /** The port {@code annotation} gives, else {@code fallback}; a warning when it is not a port. */
  private static PortOrWarning port(Map<String, String> annotations, String annotation, int fallback) {
    String value = annotations.get(annotation);
    if (value == null) {
      return new PortOrWarning(fallback, null);
    }
    int port = parsePort(value);
    return port > 0 ? new PortOrWarning(port, null)
        : new PortOrWarning(0, annotation + ": '" + value + "' is not a port (1-65535); no proxy injected");
  }

  /** The port {@code text} is, or -1. */
  private static int parsePort(String text) {
    try {
      int port = Integer.parseInt(text.trim());
      return port >= 1 && port <= 65535 ? port : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * A list as the pod has it: fabric8 reads a missing list as empty, but an explicit
   * {@code null} as null.
   */
  static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  static Map<String, String> annotations(Pod pod) {
    if (pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null) {
      return Map.of();
    }
    return pod.getMetadata().getAnnotations();
  }
}
