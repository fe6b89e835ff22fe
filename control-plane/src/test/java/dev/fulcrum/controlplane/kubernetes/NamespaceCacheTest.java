package dev.fulcrum.controlplane.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.testing.Await;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The namespaces' labels as the injector reads them, through the mock API server. */
class NamespaceCacheTest {
  private final ApiServer api = new ApiServer();
  private NamespaceCache namespaces;

  @AfterEach
  void stop() {
    api.close();
    if (namespaces != null) {
      namespaces.close();
    }
  }

  private static Namespace namespace(String name, String mode) {
    return new NamespaceBuilder().withNewMetadata().withName(name).addToLabels(InboundTls.ANNOTATION, mode).endMetadata().build();
  }

  @Test
  void labelsAreReadBeforeTheCacheHasListedAndFollowedAfter() throws Exception {
    api.admin.resource(namespace("payments", "strict")).create();
    namespaces = new NamespaceCache(api.newClient(), Optional.empty());
    assertEquals(Map.of(InboundTls.ANNOTATION, "strict"), namespaces.of("payments"), "asked of the API server");
    assertEquals(Map.of(), namespaces.of("shop"), "a namespace that does not exist reads as unlabelled");

    namespaces.start();
    api.admin.resource(namespace("payments", "permissive")).update();
    api.admin.resource(namespace("shop", "strict")).create();
    Await.until(() -> "permissive".equals(namespaces.of("payments").get(InboundTls.ANNOTATION))
        && "strict".equals(namespaces.of("shop").get(InboundTls.ANNOTATION)), Duration.ofSeconds(20),
        "the informer to see both namespaces' labels");
  }

  @Test
  void watchingOneNamespaceSeesThatOneOnly() throws Exception {
    api.admin.resource(namespace("payments", "strict")).create();
    api.admin.resource(namespace("shop", "strict")).create();
    namespaces = new NamespaceCache(api.newClient(), Optional.of("payments"));
    namespaces.start();
    Await.until(() -> "strict".equals(namespaces.of("payments").get(InboundTls.ANNOTATION)), Duration.ofSeconds(20),
        "the watched namespace's label");
    assertEquals(Map.of(), namespaces.of("shop"));
  }
}
