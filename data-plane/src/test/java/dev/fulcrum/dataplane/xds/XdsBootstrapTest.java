package dev.fulcrum.dataplane.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.dataplane.ProxyConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class XdsBootstrapTest {

  @Test
  void theBootstrapNamesTheControlPlaneTheNodeAndItsAddresses() {
    ProxyConfig config = ProxyConfig.local(8080, "cp.example:18000", Optional.empty(), "node-1");
    String json = new XdsBootstrap(config).json(9990);
    assertTrue(json.contains("\"server_uri\": \"cp.example:18000\""), json);
    assertTrue(json.contains("\"id\": \"node-1\""), json);
    assertTrue(json.contains("\"fulcrum.dev/listen\": \"127.0.0.1:8080\""), json);
    assertTrue(json.contains("\"fulcrum.dev/admin\": \"127.0.0.1:9990\""), json);
  }

  @Test
  void aWildcardAddressIsAdvertisedAsThisMachinesAddress() throws Exception {
    String advertised = XdsBootstrap.advertised(new InetSocketAddress("0.0.0.0", 9990));
    assertNotEquals("0.0.0.0", advertised);
    assertEquals(InetAddress.getLocalHost().getHostAddress(), advertised);
    assertEquals("127.0.0.1", XdsBootstrap.advertised(new InetSocketAddress("127.0.0.1", 9990)));
  }
}
