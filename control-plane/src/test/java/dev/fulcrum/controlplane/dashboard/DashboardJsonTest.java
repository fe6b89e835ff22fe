package dev.fulcrum.controlplane.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardJsonTest {
  private final DashboardJson json = new DashboardJson();

  @Test
  void meshStatsRoundTripInSnakeCase() {
    MeshStats stats = new MeshStats(
        List.of(new MeshStats.Proxy("n", "127.0.0.1:9990", "answering", null)),
        List.of(new MeshStats.Service("svc:1", List.of(
            new MeshStats.Backend("127.0.0.1:7001", 12.5, null, 100, 0, 0.5, 2.0, 1, false, "")))),
        List.of(new MeshStats.Server("default/echo", 10, 2, 1, 2, List.of(
            new MeshStats.Policy("default/echo-callers", 10, 0, 1), new MeshStats.Policy("default:deny", 0, 2, 0)))));
    String text = json.write(stats);
    assertTrue(text.contains("\"success_rate\":null"), text);
    assertTrue(text.contains("\"p50_ms\":0.5"), text);
    assertTrue(text.contains("\"servers\":[{\"identity\":\"default/echo\",\"allowed\":10,\"denied\":2,"
        + "\"audit_denied\":1,\"proxies\":2,\"policies\":[{\"policy\":\"default/echo-callers\",\"allowed\":10,"
        + "\"denied\":0,\"audit_denied\":1},"), text);
    assertEquals(stats, json.meshStats(text));
  }

  @Test
  void aDashboardFromBeforeServersReadsAsNoServers() {
    MeshStats stats = json.meshStats("{\"proxies\":[],\"services\":[]}");
    assertEquals(List.of(), stats.servers());
  }
}
