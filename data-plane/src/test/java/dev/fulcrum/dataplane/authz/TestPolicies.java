package dev.fulcrum.dataplane.authz;

import com.google.protobuf.Any;
import dev.fulcrum.contract.authz.InboundListenerName;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import java.util.Map;

/** RBAC and Listeners shaped as the control plane sends them (the contract in InboundListenerName), for tests. */
public final class TestPolicies {
  public static final String MESH = "spiffe://";

  private TestPolicies() {}

  public static String spiffe(String workload) {
    String[] parts = workload.split("/");
    return "spiffe://cluster.local/ns/" + parts[0] + "/sa/" + parts[1];
  }

  public static Principal anyone() {
    return Principal.newBuilder().setAny(true).build();
  }

  public static Principal exactly(String workload) {
    return authenticated(StringMatcher.newBuilder().setExact(spiffe(workload)).build());
  }

  public static Principal prefixed(String prefix) {
    return authenticated(StringMatcher.newBuilder().setPrefix(prefix).build());
  }

  public static Principal authenticated(StringMatcher name) {
    return Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder().setPrincipalName(name)).build();
  }

  /** How the control plane writes "callers without a mesh identity". */
  public static Principal unauthenticated() {
    return Principal.newBuilder().setNotId(prefixed(MESH)).build();
  }

  public static Permission anything() {
    return Permission.newBuilder().setAny(true).build();
  }

  public static Permission path(StringMatcher path) {
    return Permission.newBuilder().setUrlPath(PathMatcher.newBuilder().setPath(path)).build();
  }

  /** Every method of {@code service} ({@code pkg.Service}). */
  public static Permission service(String service) {
    return path(StringMatcher.newBuilder().setPrefix("/" + service + "/").build());
  }

  /** {@code fullMethod}: {@code pkg.Service/Method}. */
  public static Permission method(String fullMethod) {
    return path(StringMatcher.newBuilder().setExact("/" + fullMethod).build());
  }

  public static Policy policy(List<Permission> permissions, List<Principal> principals) {
    return Policy.newBuilder().addAllPermissions(permissions).addAllPrincipals(principals).build();
  }

  public static Policy policy(Permission permission, Principal principal) {
    return policy(List.of(permission), List.of(principal));
  }

  public static RBAC rules(RBAC.Action action, Map<String, Policy> policies) {
    return RBAC.newBuilder().setAction(action).putAllPolicies(policies).build();
  }

  public static io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC enforcing(RBAC rules) {
    return io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder().setRules(rules).build();
  }

  /** The control plane's {@code allow} default. */
  public static RBAC allowAll() {
    return rules(RBAC.Action.ALLOW, Map.of("default:allow#0", policy(anything(), anyone())));
  }

  /** The control plane's {@code authenticated} default. */
  public static RBAC allowAuthenticated() {
    return rules(RBAC.Action.ALLOW, Map.of("default:authenticated#0", policy(anything(), prefixed(MESH))));
  }

  /** The control plane's {@code deny} default. */
  public static RBAC denyAll() {
    return rules(RBAC.Action.DENY, Map.of("default:deny#0", policy(anything(), anyone())));
  }

  /** {@code policy}'s rule 0: {@code callers} may call every method of {@code service}. */
  public static RBAC allowing(String policy, String service, String... callers) {
    return rules(RBAC.Action.ALLOW, Map.of(policy + "#0",
        policy(List.of(service(service)), java.util.Arrays.stream(callers).map(TestPolicies::exactly).toList())));
  }

  public static InboundPolicy parsed(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC rbac) {
    try {
      return InboundPolicy.of(rbac, "RBAC");
    } catch (InvalidPolicyException e) {
      throw new AssertionError(e);
    }
  }

  /** The Listener {@code name} with {@code rbac} as its RBAC filter, a router after it, and proxyless servers' TLS. */
  public static Listener listener(String name, io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC rbac) {
    return listener(name, List.of(
        HttpFilter.newBuilder().setName(InboundListenerName.RBAC_FILTER).setTypedConfig(Any.pack(rbac)).build(),
        HttpFilter.newBuilder().setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())).build()));
  }

  public static Listener listener(String name, List<HttpFilter> httpFilters) {
    HttpConnectionManager manager = HttpConnectionManager.newBuilder()
        .setStatPrefix("inbound")
        .addAllHttpFilters(httpFilters)
        .build();
    return Listener.newBuilder()
        .setName(name)
        .addFilterChains(FilterChain.newBuilder()
            .addFilters(Filter.newBuilder()
                .setName("envoy.filters.network.http_connection_manager")
                .setTypedConfig(Any.pack(manager)))
            .setTransportSocket(TransportSocket.newBuilder()
                .setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(DownstreamTlsContext.newBuilder().setRequireClientCertificate(
                    com.google.protobuf.BoolValue.of(true)).build()))))
        .build();
  }
}
