package dev.fulcrum.controlplane.xds;

import com.github.xds.type.v3.TypedStruct;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import dev.fulcrum.contract.BalancingConfig;
import dev.fulcrum.contract.Strategy;
import dev.fulcrum.contract.identity.MeshTls;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.mesh.Authority;
import dev.fulcrum.controlplane.mesh.Backends;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.MeshLink;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.MethodRoute;
import dev.fulcrum.controlplane.mesh.RetryOn;
import dev.fulcrum.controlplane.mesh.RoutePolicy;
import dev.fulcrum.controlplane.mesh.Target;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.inject.Inject;
import javax.inject.Named;

/**
 * The heart of the control plane, a pure function: a {@link MeshModel} in, the xDS resources that
 * grpc-xds clients need out. Per Link, named after the authority {@code host:port} clients call:
 * a Listener (an API listener whose HttpConnectionManager fetches its routes over ADS), a
 * RouteConfiguration (per-method routes, then the default), and an EDS Cluster with its
 * ClusterLoadAssignment per set of backends the routes use.
 */
public final class XdsTranslator {
  private static final ConfigSource ADS = ConfigSource.newBuilder()
      .setAds(AggregatedConfigSource.getDefaultInstance())
      .setResourceApiVersion(ApiVersion.V3)
      .build();
  private static final HttpFilter ROUTER = HttpFilter.newBuilder()
      .setName("envoy.filters.http.router")
      .setTypedConfig(Any.pack(Router.getDefaultInstance()))
      .build();
  private static final CertificateProviderPluginInstance MESH_CERTIFICATES = CertificateProviderPluginInstance.newBuilder()
      .setInstanceName(MeshTls.CERTIFICATE_PROVIDER)
      .build();
  /** Retry backoff (gRFC A44): the first retry after up to 25 ms, growing to at most 250 ms. */
  private static final RetryPolicy.RetryBackOff RETRY_BACKOFF = RetryPolicy.RetryBackOff.newBuilder()
      .setBaseInterval(com.google.protobuf.Duration.newBuilder().setNanos(25_000_000))
      .setMaxInterval(com.google.protobuf.Duration.newBuilder().setNanos(250_000_000))
      .build();

  private final String trustDomain;

  /** A translator for the default trust domain (tests, and control planes that issue no identity). */
  public XdsTranslator() {
    this(SpiffeId.DEFAULT_TRUST_DOMAIN);
  }

  /** {@code trustDomain}: that of the identities meshed targets must prove. */
  @Inject
  public XdsTranslator(@Named("trustDomain") String trustDomain) {
    this.trustDomain = trustDomain;
  }

  public XdsResources translate(MeshModel model) {
    Map<String, Listener> listeners = new HashMap<>();
    Map<String, RouteConfiguration> routes = new HashMap<>();
    Map<String, Cluster> clusters = new HashMap<>();
    Map<String, ClusterLoadAssignment> endpoints = new HashMap<>();
    for (MeshLink link : model.links()) {
      String name = link.service().toString();
      Map<String, List<Target>> linkClusters = new LinkedHashMap<>();
      listeners.put(name, listener(name));
      // Another name for the service (Kubernetes' short and long names): its own Listener, same routes.
      model.aliasesOf(link).forEach(alias -> listeners.put(alias.toString(), listener(alias.toString(), name)));
      routes.put(name, withAliases(routeConfiguration(link, linkClusters), model.aliasesOf(link)));
      linkClusters.forEach((cluster, targets) -> {
        boolean viaInbound = everyEndpointMeshed(targets, model);
        clusters.put(cluster, withTls(cluster(cluster, link.strategy(), link.policy().retryBudget()),
            identities(targets, model, viaInbound)));
        endpoints.put(cluster, loadAssignment(cluster, targets, model, viaInbound));
      });
    }
    return new XdsResources(listeners, routes, clusters, endpoints);
  }

  static Listener listener(String name) {
    return listener(name, name);
  }

  private static Listener listener(String name, String routeConfigName) {
    return apiListener(name, HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName(routeConfigName).setConfigSource(ADS)));
  }

  /** grpc-xds picks the virtual host by the authority called, so each alias is one of its domains. */
  private static RouteConfiguration withAliases(RouteConfiguration routes, List<Authority> aliases) {
    if (aliases.isEmpty()) {
      return routes;
    }
    RouteConfiguration.Builder builder = routes.toBuilder();
    for (VirtualHost.Builder host : builder.getVirtualHostsBuilderList()) {
      aliases.forEach(alias -> host.addDomains(alias.toString()).addDomains(alias.host()));
    }
    return builder.build();
  }

  /**
   * The answer to a client asking for a service no Link declares. grpc-xds would otherwise wait 15 s
   * before deciding that a never-seen Listener does not exist; a Listener whose routes have no
   * virtual host makes it fail each call at once, UNAVAILABLE, naming the service it looked for.
   */
  public static Listener unknownServiceListener(String name) {
    return apiListener(name, HttpConnectionManager.newBuilder()
        .setRouteConfig(RouteConfiguration.newBuilder().setName(name)));
  }

  /** A Listener for grpc-xds clients: an API listener whose routes end in the router filter. */
  private static Listener apiListener(String name, HttpConnectionManager.Builder routes) {
    HttpConnectionManager manager = routes.setStatPrefix(name).addHttpFilters(ROUTER).build();
    return Listener.newBuilder()
        .setName(name)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(manager)))
        .build();
  }

  /** The Link's routes, in order; adds each cluster they use to {@code clusters}. */
  static RouteConfiguration routeConfiguration(MeshLink link, Map<String, List<Target>> clusters) {
    String name = link.service().toString();
    VirtualHost.Builder host = VirtualHost.newBuilder()
        .setName(name)
        .addAllDomains(List.of(name, link.service().host()));
    for (MethodRoute route : link.methodRoutes()) {
      RouteMatch.Builder match = route.wholeService()
          ? RouteMatch.newBuilder().setPrefix(route.method().substring(0, route.method().length() - 1))
          : RouteMatch.newBuilder().setPath(route.method());
      host.addRoutes(Route.newBuilder().setMatch(match).setRoute(action(link, route.backends(), route.policy(), clusters)));
    }
    host.addRoutes(Route.newBuilder()
        .setMatch(RouteMatch.newBuilder().setPrefix(""))
        .setRoute(action(link, link.backends(), link.policy(), clusters)));
    return RouteConfiguration.newBuilder().setName(name).addVirtualHosts(host).build();
  }

  private static RouteAction action(MeshLink link, Backends backends, RoutePolicy policy, Map<String, List<Target>> clusters) {
    RouteAction.Builder action = RouteAction.newBuilder();
    if (backends.weighted()) {
      // A cluster per target, and each call draws a cluster by weight.
      WeightedCluster.Builder split = WeightedCluster.newBuilder();
      for (int i = 0; i < backends.targets().size(); i++) {
        int weight = backends.weights().get(i);
        if (weight > 0) {
          List<Target> target = List.of(backends.targets().get(i));
          String cluster = clusterName(link, target);
          clusters.put(cluster, target);
          split.addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(cluster).setWeight(UInt32Value.of(weight)));
        }
      }
      action.setWeightedClusters(split);
    } else {
      // One pool of every target's endpoints, so that the strategy sees them all.
      String cluster = clusterName(link, backends.targets());
      clusters.put(cluster, backends.targets());
      action.setCluster(cluster);
    }
    policy.requestTimeout().ifPresent(timeout -> action.setMaxStreamDuration(
        RouteAction.MaxStreamDuration.newBuilder()
            // grpc-xds ignores RouteAction.timeout; it caps each call's deadline with this.
            .setGrpcTimeoutHeaderMax(protoDuration(timeout))
            .setMaxStreamDuration(protoDuration(timeout))));
    if (!policy.retryOn().isEmpty() && policy.retries() > 0) {
      action.setRetryPolicy(RetryPolicy.newBuilder()
          .setRetryOn(policy.retryOn().stream().map(RetryOn::yamlName).collect(Collectors.joining(",")))
          .setNumRetries(UInt32Value.of(policy.retries()))
          .setRetryBackOff(RETRY_BACKOFF));
    }
    return action.build();
  }

  /** The Link's default pool is named after its service; any other set of targets after them too. */
  static String clusterName(MeshLink link, List<Target> targets) {
    if (targets.equals(link.backends().targets())) {
      return link.service().toString();
    }
    return link.service() + "/" + targets.stream().map(Target::toString).collect(Collectors.joining("+"));
  }

  /**
   * A Cluster balanced by the strategy's Fulcrum policy, which also enforces the retry budget. Each
   * is followed by the built-in closest to it: a client without Fulcrum's policies (a proxyless
   * grpc-xds app) takes that instead of rejecting the whole update.
   */
  static Cluster cluster(String name, Strategy strategy, double retryBudget) {
    TypedExtensionConfig fallback = switch (strategy.fallback()) {
      case ROUND_ROBIN -> roundRobin();
      case LEAST_REQUEST -> leastRequest();
    };
    LoadBalancingPolicy policy = policies(strategy.policyName(), BalancingConfig.withRetryBudget(retryBudget), fallback);
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS).setServiceName(name))
        .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(5))
        .setLoadBalancingPolicy(policy)
        .build();
  }

  /**
   * Whether the cluster's endpoints are reached through their sidecars' inbound sides: when every
   * one has a sidecar (Kubernetes: the EndpointSlice's pod was injected). TLS is per cluster, so a
   * service part of whose pods have no sidecar yet (while it is adopted) is reached in plaintext,
   * at its application ports, until the last one has.
   */
  static boolean everyEndpointMeshed(List<Target> targets, MeshModel model) {
    List<Endpoint> all = endpointsOf(targets, model).toList();
    return !all.isEmpty() && all.stream().allMatch(endpoint -> endpoint.inbound().isPresent());
  }

  /** Every endpoint of the cluster's targets, target by target. */
  private static Stream<Endpoint> endpointsOf(List<Target> targets, MeshModel model) {
    return targets.stream().flatMap(target -> model.endpointsOf(target).stream());
  }

  /**
   * The identities the cluster's servers may prove ({@code NAMESPACE/SERVICEACCOUNT}): those its
   * targets name (file mode; the validator sees that all or none do), and, reached through their
   * inbound sides, those of its endpoints' sidecars. None: plaintext.
   */
  static List<String> identities(List<Target> targets, MeshModel model, boolean viaInbound) {
    Stream<String> named = targets.stream().flatMap(target -> target.identity().stream());
    Stream<String> meshed = viaInbound
        ? endpointsOf(targets, model).flatMap(endpoint -> endpoint.inbound().map(Endpoint.Inbound::identity).stream())
        : Stream.empty();
    return Stream.concat(named, meshed).distinct().sorted().toList();
  }

  /**
   * A cluster of meshed servers with mTLS (gRFC A29): the client's certificate and the trust
   * anchors from the mesh's certificate provider, and the server's certificate must name one of
   * {@code workloads} (an exact URI SAN).
   */
  Cluster withTls(Cluster cluster, List<String> workloads) {
    List<String> identities = workloads.stream()
        .map(workload -> SpiffeId.ofWorkload(workload, trustDomain).toString()).toList();
    if (identities.isEmpty()) {
      return cluster;
    }
    CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder()
        .setCaCertificateProviderInstance(MESH_CERTIFICATES);
    identities.forEach(id -> validation.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(id)));
    UpstreamTlsContext tls = UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsCertificateProviderInstance(MESH_CERTIFICATES)
            .setValidationContext(validation))
        .build();
    return cluster.toBuilder()
        .setTransportSocket(TransportSocket.newBuilder()
            .setName("envoy.transport_sockets.tls")
            .setTypedConfig(Any.pack(tls)))
        .build();
  }

  private static LoadBalancingPolicy policies(String custom, BalancingConfig balancing, TypedExtensionConfig fallback) {
    TypedStruct config = TypedStruct.newBuilder()
        .setTypeUrl("type.googleapis.com/" + custom)
        .setValue(balancing.toStruct())
        .build();
    return LoadBalancingPolicy.newBuilder()
        .addPolicies(LoadBalancingPolicy.Policy.newBuilder().setTypedExtensionConfig(extension(custom, config)))
        .addPolicies(LoadBalancingPolicy.Policy.newBuilder().setTypedExtensionConfig(fallback))
        .build();
  }

  private static TypedExtensionConfig leastRequest() {
    return extension("envoy.load_balancing_policies.least_request", LeastRequest.getDefaultInstance());
  }

  private static TypedExtensionConfig roundRobin() {
    return extension("envoy.load_balancing_policies.round_robin", RoundRobin.getDefaultInstance());
  }

  private static TypedExtensionConfig extension(String name, Message config) {
    return TypedExtensionConfig.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
  }

  /** {@code viaInbound}: each endpoint at its sidecar's inbound port rather than its application's. */
  static ClusterLoadAssignment loadAssignment(String name, List<Target> targets, MeshModel model, boolean viaInbound) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder()
        // grpc-xds silently drops a locality without a weight.
        .setLoadBalancingWeight(UInt32Value.of(1));
    // Two targets may resolve to one address; grpc-xds rejects a cluster that lists one twice.
    Map<String, Endpoint> unique = new LinkedHashMap<>();
    endpointsOf(targets, model).forEach(endpoint -> {
      Endpoint reached = viaInbound ? new Endpoint(endpoint.address(), endpoint.inbound().orElseThrow().port(), endpoint.health())
          : endpoint;
      unique.merge(reached.address() + ":" + reached.port(), reached, (a, b) -> a.healthy() ? a : b);
    });
    for (Endpoint endpoint : unique.values()) {
      locality.addLbEndpoints(LbEndpoint.newBuilder()
          // grpc-xds sends no new calls to a DRAINING endpoint; calls in flight finish.
          .setHealthStatus(endpoint.healthy() ? HealthStatus.HEALTHY : HealthStatus.DRAINING)
          .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
              .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                  .setAddress(endpoint.address())
                  .setPortValue(endpoint.port())))));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(name).addEndpoints(locality).build();
  }

  private static com.google.protobuf.Duration protoDuration(Duration duration) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }
}
