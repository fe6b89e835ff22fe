package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.controlplane.xds.XdsType;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A plain grpc-xds application, without Fulcrum's balancing policies, subscribing to the same
 * control plane: it must take the built-in fallback listed after each custom policy instead of
 * rejecting the configuration.
 */
class ProxylessFallbackTest {

  @Test
  void aClientWithoutFulcrumsPoliciesFallsBackToBuiltInOnes() throws Exception {
    LoadBalancerRegistry registry = LoadBalancerRegistry.getDefaultRegistry();
    for (String name : List.of("fulcrum.least_loaded", "fulcrum.random", "fulcrum.peak_ewma")) {
      LoadBalancerProvider provider = registry.getProvider(name);
      if (provider != null) {
        registry.deregister(provider);
      }
      assertNull(registry.getProvider(name));
    }
    String links = StrategiesTest.link("least", "least-loaded", "{v1}", "{v2}")
        + StrategiesTest.link("random", "random", "{v1}", "{v2}")
        + StrategiesTest.link("ewma", "peak-ewma", "{v1}", "{v2}");
    // The Mesh's proxy installs the xDS bootstrap; this test's channels then use it directly.
    try (Mesh mesh = new Mesh(2, links, Optional.empty())) {
      for (String service : List.of("least.test:1", "random.test:1", "ewma.test:1")) {
        ManagedChannel channel = ManagedChannelBuilder.forTarget("xds:///" + service).usePlaintext().build();
        try {
          Map<String, Integer> counts = Calls.count(Calls.sequence(channel, 100));
          assertEquals(Set.of("v1", "v2"), counts.keySet(), service + ": " + counts);
        } finally {
          channel.shutdownNow();
        }
      }
      assertEquals(0, mesh.controlPlane.stats().rejections(XdsType.CLUSTER), "no cluster was rejected");
      assertTrue(mesh.controlPlane.stats().responses(XdsType.CLUSTER) >= 3);
    }
  }
}
