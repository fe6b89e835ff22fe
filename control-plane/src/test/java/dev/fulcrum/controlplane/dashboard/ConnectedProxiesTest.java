package dev.fulcrum.controlplane.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Struct;
import dev.fulcrum.contract.NodeMetadata;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectedProxiesTest {
  private final ConnectedProxies proxies = new ConnectedProxies();

  private static DiscoveryRequest first(String nodeId, String admin) {
    Struct metadata = new NodeMetadata(Optional.of("127.0.0.1:15001"), Optional.ofNullable(admin)).toStruct();
    return DiscoveryRequest.newBuilder()
        .setNode(Node.newBuilder().setId(nodeId).setMetadata(metadata))
        .setTypeUrl("type.googleapis.com/envoy.config.listener.v3.Listener")
        .build();
  }

  @Test
  void aProxyIsKnownFromItsFirstRequestUntilItsStreamCloses() {
    proxies.onV3StreamRequest(1, first("proxy-a", "127.0.0.1:9990"));
    proxies.onV3StreamRequest(1, DiscoveryRequest.newBuilder().setTypeUrl("x").build()); // later: no node
    proxies.onV3StreamRequest(2, first("proxy-b", "127.0.0.1:9991"));
    assertEquals(List.of(new ConnectedProxy("proxy-a", "127.0.0.1:9990"), new ConnectedProxy("proxy-b", "127.0.0.1:9991")),
        proxies.list());
    proxies.onStreamClose(1, "");
    proxies.onStreamCloseWithError(2, "", new RuntimeException("reset"));
    assertEquals(List.of(), proxies.list());
  }

  @Test
  void clientsWithoutAnAdminEndpointAreNotProxies() {
    proxies.onV3StreamRequest(1, first("grpc-xds-app", null));
    assertEquals(List.of(), proxies.list());
  }

  @Test
  void aProxyOnTwoStreamsIsListedOnce() {
    proxies.onV3StreamRequest(1, first("proxy-a", "127.0.0.1:9990"));
    proxies.onV3StreamRequest(2, first("proxy-a", "127.0.0.1:9990"));
    assertEquals(1, proxies.list().size());
    proxies.onStreamClose(1, "");
    assertEquals(List.of(new ConnectedProxy("proxy-a", "127.0.0.1:9990")), proxies.list());
  }
}
