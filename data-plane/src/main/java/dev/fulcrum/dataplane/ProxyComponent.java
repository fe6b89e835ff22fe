package dev.fulcrum.dataplane;

import dagger.BindsInstance;
import dagger.Component;
import javax.inject.Singleton;

/** Wires one proxy from its configuration. */
@Singleton
@Component(modules = ProxyModule.class)
public interface ProxyComponent {

  Proxy proxy();

  static Proxy create(ProxyConfig config) {
    return DaggerProxyComponent.factory().create(config).proxy();
  }

  @Component.Factory
  interface Factory {
    ProxyComponent create(@BindsInstance ProxyConfig config);
  }
}
