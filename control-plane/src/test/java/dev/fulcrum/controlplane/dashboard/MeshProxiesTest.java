package dev.fulcrum.controlplane.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fulcrum.controlplane.source.KnownProxy;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeshProxiesTest {
  @Test
  void eachProxyOnceByAdminEndpointUnderItsNameWhereItRuns() {
    List<ConnectedProxy> connected = List.of(
        new ConnectedProxy("fulcrum-proxy-1@client-7d9f", "10.0.3.7:9990"),
        new ConnectedProxy("fulcrum-proxy-4242@laptop", "127.0.0.1:9990"));
    List<KnownProxy> known = List.of(
        new KnownProxy("shop/client-7d9f", "10.0.3.7:9990"),   // connected here too
        new KnownProxy("shop/client-8e0a", "10.0.3.9:9990"));  // connected to the other replica
    assertEquals(List.of(
            new ConnectedProxy("fulcrum-proxy-4242@laptop", "127.0.0.1:9990"),
            new ConnectedProxy("shop/client-7d9f", "10.0.3.7:9990"),
            new ConnectedProxy("shop/client-8e0a", "10.0.3.9:9990")),
        MeshProxies.merge(connected, known));
  }

  @Test
  void withoutASourceThatSeesProxiesTheConnectedOnes() {
    List<ConnectedProxy> connected = List.of(new ConnectedProxy("a", "127.0.0.1:9990"));
    assertEquals(connected, MeshProxies.merge(connected, List.of()));
  }
}
