package dev.fulcrum.dataplane.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.authz.TestAdsServer;
import dev.fulcrum.dataplane.xds.ControlPlaneChannel;
import dev.fulcrum.dataplane.xds.ListenerSubscription;
import dev.fulcrum.dataplane.xds.XdsBootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mesh's service names, from a wildcard Listener subscription to an ADS server on a real socket. */
class MeshServicesTest {
  private TestAdsServer ads;
  private ControlPlaneChannel channel;
  private MeshServices services;

  @BeforeEach
  void subscribe() throws Exception {
    ads = TestAdsServer.start();
    ProxyConfig config = ProxyConfig.local(0, ads.address(), Optional.empty(), "node-1");
    channel = new ControlPlaneChannel(config);
    services = new MeshServices(channel, new XdsBootstrap(config, Optional.empty()),
        new ListenerSubscription.Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
    services.start(9990);
  }

  @AfterEach
  void close() throws Exception {
    services.close();
    channel.close();
    ads.close();
  }

  private static Listener named(String name) {
    return Listener.newBuilder().setName(name).build();
  }

  @Test
  void everyListenerIsAskedForAndTheirNamesAreTheServices() throws Exception {
    DiscoveryRequest first = ads.nextRequest();
    assertEquals(0, first.getResourceNamesCount(), "a wildcard subscription: " + first);
    assertEquals(ListenerSubscription.TYPE_URL, first.getTypeUrl());
    assertFalse(services.received());
    ads.respond("1", "n1", named("grpc-service:50051"), named("grpc-service.default:50051"));
    DiscoveryRequest ack = ads.nextRequest();
    assertEquals("1", ack.getVersionInfo());
    assertFalse(ack.hasErrorDetail());
    assertTrue(services.received());
    assertTrue(services.serves("grpc-service.default:50051"));
    assertFalse(services.serves("other:50051"));
    // A Link gone: its names go with it.
    ads.respond("2", "n2", named("grpc-service:50051"));
    ads.nextRequest();
    assertFalse(services.serves("grpc-service.default:50051"));
  }

  @Test
  void aResponseThatIsNotListenersIsRefusedAndTheNamesInForceStay() throws Exception {
    ads.nextRequest();
    ads.respond("1", "n1", named("grpc-service:50051"));
    ads.nextRequest();
    ads.respond(DiscoveryResponse.newBuilder().setVersionInfo("2").setNonce("n2").setTypeUrl(ListenerSubscription.TYPE_URL)
        .addResources(Any.pack(Cluster.newBuilder().setName("c").build())).build());
    DiscoveryRequest nack = ads.nextRequest();
    assertEquals("1", nack.getVersionInfo());
    assertEquals("resources[0]: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' is not a Listener",
        nack.getErrorDetail().getMessage());
    assertTrue(services.serves("grpc-service:50051"));
  }
}
