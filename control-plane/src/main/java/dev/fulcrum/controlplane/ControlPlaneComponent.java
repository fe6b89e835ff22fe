package dev.fulcrum.controlplane;

import dagger.BindsInstance;
import dagger.Component;
import dev.fulcrum.controlplane.source.LinkSource;
import java.net.InetSocketAddress;
import javax.inject.Singleton;

/** Wires one control plane: give it where to serve and where its Links come from. */
@Singleton
@Component(modules = ControlPlaneModule.class)
public interface ControlPlaneComponent {

  ControlPlane controlPlane();

  /** A control plane serving ADS only, no dashboard (as embedded in a proxy). */
  static ControlPlane create(InetSocketAddress xdsAddress, LinkSource source) {
    return create(ControlPlaneConfig.xdsOnly(xdsAddress), source);
  }

  static ControlPlane create(ControlPlaneConfig config, LinkSource source) {
    return DaggerControlPlaneComponent.factory().create(config, source).controlPlane();
  }

  @Component.Factory
  interface Factory {
    ControlPlaneComponent create(@BindsInstance ControlPlaneConfig config, @BindsInstance LinkSource source);
  }
}
