package dev.fulcrum.controlplane;

import dagger.BindsInstance;
import dagger.Component;
import dev.fulcrum.controlplane.source.LinkSource;
import java.net.InetSocketAddress;
import javax.inject.Named;
import javax.inject.Singleton;

/** Wires one control plane: give it where to serve ADS and where its Links come from. */
@Singleton
@Component(modules = ControlPlaneModule.class)
public interface ControlPlaneComponent {

  ControlPlane controlPlane();

  static ControlPlane create(InetSocketAddress xdsAddress, LinkSource source) {
    return DaggerControlPlaneComponent.factory().create(xdsAddress, source).controlPlane();
  }

  @Component.Factory
  interface Factory {
    ControlPlaneComponent create(
        @BindsInstance @Named("xdsAddress") InetSocketAddress xdsAddress,
        @BindsInstance LinkSource source);
  }
}
