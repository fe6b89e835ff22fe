package dev.fulcrum.controlplane;

import dagger.Module;
import dagger.Provides;
import dev.fulcrum.controlplane.mesh.EndpointResolver;
import dev.fulcrum.controlplane.mesh.ServiceAliases;
import dev.fulcrum.controlplane.source.LinkSource;

@Module
interface ControlPlaneModule {

  /** Each source knows where its targets' endpoints come from. */
  @Provides
  static EndpointResolver endpointResolver(LinkSource source) {
    return source.endpointResolver();
  }

  /** ...and by which other names clients call a Link's service. */
  @Provides
  static ServiceAliases serviceAliases(LinkSource source) {
    return source.serviceAliases();
  }
}
