package dev.fulcrum.controlplane.dashboard;

import dev.fulcrum.contract.NodeMetadata;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The proxies connected over ADS right now, by stream: a proxy names its admin endpoint in its
 * node metadata ({@link NodeMetadata}), and grpc-xds sends the node only on a stream's first request,
 * so each stream is read once and forgotten when it closes.
 */
@Singleton
public final class ConnectedProxies implements DiscoveryServerCallbacks, ProxyDirectory {
  private final Map<Long, ConnectedProxy> byStream = new ConcurrentHashMap<>();

  @Inject
  public ConnectedProxies() {}

  /** Each connected proxy once (a reconnecting proxy may briefly hold two streams), by node id. */
  @Override
  public List<ConnectedProxy> list() {
    return byStream.values().stream()
        .collect(Collectors.toMap(ConnectedProxy::admin, p -> p, (a, b) -> a))
        .values().stream()
        .sorted(Comparator.comparing(ConnectedProxy::name).thenComparing(ConnectedProxy::admin))
        .toList();
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    if (request.hasNode()) {
      remember(streamId, request.getNode());
    }
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    if (request.hasNode()) {
      remember(streamId, request.getNode());
    }
  }

  private void remember(long streamId, Node node) {
    // Plain grpc-xds applications have no admin endpoint: they are clients, not proxies.
    NodeMetadata.of(node.getMetadata()).admin()
        .ifPresent(admin -> byStream.putIfAbsent(streamId, new ConnectedProxy(node.getId(), admin)));
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    byStream.remove(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    byStream.remove(streamId);
  }
}
