package dev.fulcrum.controlplane.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fulcrum.controlplane.kubernetes.KubernetesNames.ServiceName;
import dev.fulcrum.controlplane.mesh.Authority;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KubernetesNamesTest {
  private final KubernetesNames names = new KubernetesNames("cluster.local");

  @Test
  void readsTheFourFormsOfAServiceName() {
    ServiceName expected = new ServiceName("shop", "cart");
    assertEquals(Optional.of(expected), names.service("cart", "shop"));
    assertEquals(Optional.of(expected), names.service("cart.shop", "other"));
    assertEquals(Optional.of(expected), names.service("cart.shop.svc", "other"));
    assertEquals(Optional.of(expected), names.service("cart.shop.svc.cluster.local", "other"));
  }

  @Test
  void otherNamesAreNotServices() {
    assertEquals(Optional.empty(), names.service("api.example.com", "shop"));
    assertEquals(Optional.empty(), names.service("cart.shop.svc.other.domain", "shop"));
    assertEquals(Optional.empty(), names.service("Cart", "shop"));
    assertEquals(Optional.empty(), names.service("10.0.0.1", "shop"));
  }

  @Test
  void qualifiesTargetsWithTheLinksNamespace() {
    assertEquals("cart.shop", names.qualify("cart", "shop"));
    assertEquals("cart.other", names.qualify("cart.other.svc.cluster.local", "shop"));
    assertEquals("Bad_Name", names.qualify("Bad_Name", "shop"), "left for validation to report");
  }

  @Test
  void aFullServiceNameIsAlsoReachedByItsShorterForms() {
    assertEquals(List.of(
            new Authority("grpc-service", 50051),
            new Authority("grpc-service.default", 50051),
            new Authority("grpc-service.default.svc", 50051)),
        names.of("default", new Authority("grpc-service.default.svc.cluster.local", 50051)));
  }

  @Test
  void aShortServiceNameIsAlsoReachedByItsLongerForms() {
    assertEquals(List.of(
            new Authority("grpc-service.default", 50051),
            new Authority("grpc-service.default.svc", 50051),
            new Authority("grpc-service.default.svc.cluster.local", 50051)),
        names.of("default", new Authority("grpc-service", 50051)));
  }

  @Test
  void theBareNameOnlyAliasesWithinTheServicesNamespace() {
    assertEquals(List.of(new Authority("cart.shop", 80), new Authority("cart.shop.svc", 80)),
        names.of("default", new Authority("cart.shop.svc.cluster.local", 80)));
    assertEquals(List.of(), names.of("default", new Authority("api.example.com", 443)));
  }
}
