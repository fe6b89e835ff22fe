package dev.fulcrum.controlplane.dashboard;

import dev.fulcrum.controlplane.source.KnownProxy;
import dev.fulcrum.controlplane.source.LinkSource;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The proxies the dashboard polls: those connected to this control plane over ADS, and those the
 * source sees where they run (in Kubernetes, the injected pods, whichever replica they are
 * connected to), once each by admin endpoint. A proxy the source sees goes by the name it has
 * there ({@code namespace/pod}), so every replica shows it alike.
 */
@Singleton
public final class MeshProxies implements ProxyDirectory {
  private final ConnectedProxies connected;
  private final LinkSource source;

  @Inject
  MeshProxies(ConnectedProxies connected, LinkSource source) {
    this.connected = connected;
    this.source = source;
  }

  @Override
  public List<ConnectedProxy> list() {
    return merge(connected.list(), source.knownProxies());
  }

  static List<ConnectedProxy> merge(List<ConnectedProxy> connected, List<KnownProxy> known) {
    Map<String, ConnectedProxy> byAdmin = new LinkedHashMap<>();
    connected.forEach(proxy -> byAdmin.put(proxy.admin(), proxy));
    known.forEach(proxy -> byAdmin.put(proxy.admin(), new ConnectedProxy(proxy.name(), proxy.admin())));
    return byAdmin.values().stream()
        .sorted(Comparator.comparing(ConnectedProxy::name).thenComparing(ConnectedProxy::admin))
        .toList();
  }
}
