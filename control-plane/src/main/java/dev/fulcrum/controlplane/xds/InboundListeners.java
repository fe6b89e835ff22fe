package dev.fulcrum.controlplane.xds;

import com.google.common.net.HostAndPort;
import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.fulcrum.contract.authz.InboundListenerName;
import dev.fulcrum.contract.identity.MeshTls;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import java.util.Optional;

/**
 * The Listeners servers ask for by an {@link InboundListenerName}: grpc's XdsServerBuilder (gRFC
 * A36, a proxyless application's server side), and a sidecar for its application. Each one serves
 * its address over mTLS (gRFC A29), its certificate and the trust anchors from the server's own
 * certificate provider, and accepts only callers with a mesh certificate (a sidecar keeps its own
 * TLS, and reads only the policy). Every call then passes the server's authorization policy, as
 * an RBAC filter (gRFC A41, {@link InboundRbac}), before it goes to the server's own services.
 */
final class InboundListeners {
  private static final CertificateProviderPluginInstance PROVIDER = CertificateProviderPluginInstance.newBuilder()
      .setInstanceName(MeshTls.CERTIFICATE_PROVIDER)
      .build();

  private InboundListeners() {}

  /** The Listener for {@code name} under {@code policies}, if it is an inbound name with an address in it. */
  static Optional<Listener> forName(String name, InboundPolicies policies) {
    Optional<InboundListenerName> inbound = InboundListenerName.parse(name);
    if (inbound.isEmpty()) {
      return Optional.empty();
    }
    HostAndPort address;
    try {
      address = HostAndPort.fromString(inbound.get().address());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!address.hasPort()) {
      return Optional.empty();
    }
    return Optional.of(listener(name, address, policies.rbacFor(inbound.get())));
  }

  private static Listener listener(String name, HostAndPort address, RBAC policy) {
    DownstreamTlsContext tls = DownstreamTlsContext.newBuilder()
        .setRequireClientCertificate(BoolValue.of(true))
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsCertificateProviderInstance(PROVIDER)
            .setValidationContext(CertificateValidationContext.newBuilder().setCaCertificateProviderInstance(PROVIDER)))
        .build();
    HttpConnectionManager http = HttpConnectionManager.newBuilder()
        .setStatPrefix(name)
        .setRouteConfig(RouteConfiguration.newBuilder()
            .setName(name)
            .addVirtualHosts(VirtualHost.newBuilder()
                .setName(name)
                .addDomains("*")
                .addRoutes(Route.newBuilder()
                    .setMatch(RouteMatch.newBuilder().setPrefix(""))
                    // A server's route: the call is the server's own to answer, not forwarded on.
                    .setNonForwardingAction(NonForwardingAction.getDefaultInstance()))))
        .addHttpFilters(HttpFilter.newBuilder()
            .setName(InboundListenerName.RBAC_FILTER)
            .setTypedConfig(Any.pack(policy)))
        .addHttpFilters(HttpFilter.newBuilder()
            .setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    return Listener.newBuilder()
        .setName(name)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
            .setAddress(address.getHost())
            .setPortValue(address.getPort())))
        .addFilterChains(FilterChain.newBuilder()
            .setName("mtls")
            .addFilters(Filter.newBuilder()
                .setName("envoy.filters.network.http_connection_manager")
                .setTypedConfig(Any.pack(http)))
            .setTransportSocket(TransportSocket.newBuilder()
                .setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(tls))))
        .build();
  }
}
