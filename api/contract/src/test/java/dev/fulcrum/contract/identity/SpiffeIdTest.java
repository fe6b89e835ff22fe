package dev.fulcrum.contract.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class SpiffeIdTest {

  @Test
  void writtenAndReadBackInBothForms() {
    SpiffeId id = SpiffeId.ofWorkload("default/echo-v1", SpiffeId.DEFAULT_TRUST_DOMAIN);
    assertEquals("spiffe://cluster.local/ns/default/sa/echo-v1", id.toString());
    assertEquals(URI.create("spiffe://cluster.local/ns/default/sa/echo-v1"), id.uri());
    assertEquals(id, SpiffeId.parse(id.toString()));
    assertEquals("default/echo-v1", id.workload());
    assertEquals(new SpiffeId("prod.example.com", "payments", "api.v2"),
        SpiffeId.parse("spiffe://prod.example.com/ns/payments/sa/api.v2"));
  }

  @Test
  void otherShapesAreRefusedSayingWhy() {
    for (String bad : new String[] {"https://cluster.local/ns/a/sa/b", "spiffe://cluster.local",
        "spiffe://cluster.local/ns/a", "spiffe://cluster.local/sa/b/ns/a", "spiffe://cluster.local/ns/a/sa/b/c"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpiffeId.parse(bad), bad);
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SpiffeId.parse("spiffe://Cluster/ns/a/sa/b"))
        .getMessage().startsWith("trust domain: "));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SpiffeId.ofWorkload("Default/x", "cluster.local"))
        .getMessage().startsWith("namespace: "));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SpiffeId.ofWorkload("default/", "cluster.local"))
        .getMessage().startsWith("service account: "));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SpiffeId.ofWorkload("echo-v1", "cluster.local"))
        .getMessage().contains("NAMESPACE/SERVICEACCOUNT"));
  }
}
