package dev.fulcrum.contract.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsJsonTest {
  private static final ProxyStats STATS = ProxyStats.newBuilder()
      .addServices(ServiceStats.newBuilder().setService("svc:1")
          .addBackends(BackendStats.newBuilder().setBackend("127.0.0.1:7001")
              .setRequests(12).setFailures(0).setP50Ms(0.5).setP99Ms(2.25)))
      .build();

  @Test
  void whatTheProxyWritesTheDashboardReads() {
    String json = StatsJson.write(STATS);
    assertEquals(STATS, StatsJson.read(json));
    // Snake case, and a zero is written out: a person reading /stats sees "failures": 0.
    assertTrue(json.contains("\"p50_ms\":0.5"), json);
    assertTrue(json.contains("\"failures\":\"0\""), json);
  }

  @Test
  void fieldsAddedLaterAreIgnoredAndNumbersMayBeBare() {
    ProxyStats read = StatsJson.read("""
        {"services":[{"service":"svc:1","added_later":1,"backends":[
          {"backend":"127.0.0.1:7001","requests":12,"failures":0,"p50_ms":0.5,"p99_ms":2.25,"added_later":true}]}]}""");
    assertEquals(STATS, read);
    assertEquals(ProxyStats.getDefaultInstance(), StatsJson.read("{\"services\":[]}"));
  }

  @Test
  void refusesWhatIsNotStats() {
    assertThrows(IllegalArgumentException.class, () -> StatsJson.read("<html>"));
    assertThrows(IllegalArgumentException.class, () -> StatsJson.read("{\"services\":3}"));
  }
}
