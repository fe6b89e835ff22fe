package dev.fulcrum.controlplane;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.dashboard.ConnectedProxies;
import dev.fulcrum.controlplane.dashboard.MeshProxies;
import dev.fulcrum.controlplane.dashboard.ProxyDirectory;
import dev.fulcrum.controlplane.injection.NamespaceLabels;
import dev.fulcrum.controlplane.mesh.EndpointResolver;
import dev.fulcrum.controlplane.mesh.ServiceAliases;
import dev.fulcrum.controlplane.source.LinkSource;
import dev.fulcrum.controlplane.xds.XdsStreamStats;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import java.net.InetSocketAddress;
import dev.fulcrum.controlplane.identity.IdentityConfig;
import dev.fulcrum.controlplane.identity.IdentityService;
import java.util.Optional;
import javax.inject.Named;
import javax.inject.Singleton;

@Module
interface ControlPlaneModule {

  /** Each source knows where its targets' endpoints come from. */
  @Provides
  static EndpointResolver endpointResolver(LinkSource source) {
    return source.endpointResolver();
  }

  @Provides
  @Named("xdsAddress")
  static InetSocketAddress xdsAddress(ControlPlaneConfig config) {
    return config.xdsAddress();
  }

  /** What watches the ADS streams besides the cache: counters, and the proxies the dashboard polls. */
  @Binds
  @IntoSet
  DiscoveryServerCallbacks streamStats(XdsStreamStats stats);

  @Binds
  @IntoSet
  DiscoveryServerCallbacks connectedProxies(ConnectedProxies proxies);

  /** The proxies the dashboard polls: connected here, and seen by the source where they run. */
  @Binds
  ProxyDirectory proxyDirectory(MeshProxies proxies);

  /** The identity service, when configured: made (with its CA) once. */
  @Provides
  @Singleton
  static Optional<IdentityService> identityService(ControlPlaneConfig config) {
    return config.identity().map(IdentityConfig::service);
  }

  /** The trust domain of the identities meshed targets prove: the CA's, else the default. */
  @Provides
  @Named("trustDomain")
  static String trustDomain(ControlPlaneConfig config) {
    return config.identity().map(IdentityConfig::trustDomain).orElse(SpiffeId.DEFAULT_TRUST_DOMAIN);
  }

  /** What servers accept when no Authorization selects them. */
  @Provides
  static DefaultInboundPolicy defaultInboundPolicy(ControlPlaneConfig config) {
    return config.defaultInboundPolicy();
  }

  /** What the injector reads of the namespaces: where the source sees them. */
  @Provides
  static NamespaceLabels namespaceLabels(LinkSource source) {
    return source.namespaceLabels();
  }

  /** ...and by which other names clients call a Link's service. */
  @Provides
  static ServiceAliases serviceAliases(LinkSource source) {
    return source.serviceAliases();
  }
}
