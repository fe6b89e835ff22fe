package dev.fulcrum.dataplane.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.fulcrum.contract.NodeMetadata;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.authz.InboundListenerName;
import dev.fulcrum.dataplane.ProxyConfig;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class XdsBootstrapTest {

  @Test
  void theBootstrapNamesTheControlPlaneTheNodeAndItsAddresses() throws Exception {
    ProxyConfig config = ProxyConfig.local(8080, "cp.example:18000", Optional.empty(), "node-1");
    String json = new XdsBootstrap(config, Optional.empty()).json(9990);
    assertTrue(json.contains("\"server_uri\": \"cp.example:18000\""), json);
    assertTrue(json.contains("\"id\": \"node-1\""), json);
    // Read back as the control plane reads a node's metadata: through the contract.
    Struct.Builder parsed = Struct.newBuilder();
    JsonFormat.parser().merge(json, parsed);
    Struct metadata = parsed.getFieldsOrThrow("node").getStructValue().getFieldsOrThrow("metadata").getStructValue();
    assertEquals(new NodeMetadata("127.0.0.1:8080", "127.0.0.1:9990"), NodeMetadata.of(metadata), json);
  }

  @Test
  void theNodeOfTheProxysOwnStreamsIsTheBootstrapsNode() throws Exception {
    ProxyConfig config = ProxyConfig.local(8080, "cp.example:18000", Optional.empty(), "node-1");
    XdsBootstrap bootstrap = new XdsBootstrap(config, Optional.empty());
    Struct.Builder parsed = Struct.newBuilder();
    JsonFormat.parser().merge(bootstrap.json(9990), parsed);
    Struct node = parsed.getFieldsOrThrow("node").getStructValue();
    Node own = bootstrap.node(9990);
    assertEquals(node.getFieldsOrThrow("id").getStringValue(), own.getId());
    assertEquals(node.getFieldsOrThrow("cluster").getStringValue(), own.getCluster());
    assertEquals(node.getFieldsOrThrow("metadata").getStructValue(), own.getMetadata());
  }

  @Test
  void aProxylessServersListenerNamesCarryItsIdentityAndItsOwnDefault() throws Exception {
    String json = XdsBootstrap.proxyless("cp.example:18000", "app-1", Optional.of(new XdsBootstrap.ProxylessServer(
        Path.of("/var/run/fulcrum"), "shop/checkout", Optional.of(DefaultInboundPolicy.DENY))));
    Struct.Builder parsed = Struct.newBuilder();
    JsonFormat.parser().merge(json, parsed);
    String template = parsed.getFieldsOrThrow("server_listener_resource_name_template").getStringValue();
    // grpc-xds puts the listening address where %s is; the control plane reads the rest back.
    InboundListenerName name = InboundListenerName.parse(template.replace("%s", "0.0.0.0:50051")).orElseThrow();
    assertEquals(new InboundListenerName("0.0.0.0:50051", Optional.of("shop/checkout"), Optional.of(DefaultInboundPolicy.DENY)), name);
    assertTrue(parsed.containsFields("certificate_providers"), json);

    String client = XdsBootstrap.proxyless("cp.example:18000", "app-2", Optional.empty());
    assertTrue(!client.contains("server_listener_resource_name_template"), "a client alone names no server Listener: " + client);
  }

  @Test
  void aWildcardAddressIsAdvertisedAsThisMachinesAddress() throws Exception {
    String advertised = XdsBootstrap.advertised(new InetSocketAddress("0.0.0.0", 9990));
    assertNotEquals("0.0.0.0", advertised);
    assertEquals(InetAddress.getLocalHost().getHostAddress(), advertised);
    assertEquals("127.0.0.1", XdsBootstrap.advertised(new InetSocketAddress("127.0.0.1", 9990)));
  }
}
