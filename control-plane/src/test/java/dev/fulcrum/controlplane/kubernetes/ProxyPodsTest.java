package dev.fulcrum.controlplane.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fulcrum.controlplane.injection.InjectionPolicy;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.source.KnownProxy;
import dev.fulcrum.testing.Await;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pods with a proxy, watched through the mock API server as the control plane watches them. */
class ProxyPodsTest {
  private final ApiServer api = new ApiServer();
  private ProxyPods pods;

  @AfterEach
  void stop() {
    api.close(); // first: the mock server stalls for long when clients close their watches
    if (pods != null) {
      pods.close();
    }
  }

  private static Container proxy(int adminPort) {
    return new ContainerBuilder().withName("fulcrum-proxy").withImage("fulcrum/proxy:0.1.0")
        .addNewPort().withName("fulcrum-admin").withContainerPort(adminPort).endPort().build();
  }

  private static Container app() {
    return new ContainerBuilder().withName("app").withImage("example/client:1")
        .addNewPort().withContainerPort(8080).endPort().build();
  }

  /** A pod as the injector leaves it (labelled), running at {@code ip} unless that is null. */
  private static PodBuilder pod(String namespace, String name, String ip) {
    PodBuilder pod = new PodBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name)
          .addToLabels(InjectionPolicy.PROXY_LABEL, InjectionPolicy.INJECTED).endMetadata()
        .withNewSpec().withContainers(app(), proxy(9990)).endSpec();
    return ip == null ? pod.withNewStatus().withPhase("Pending").endStatus()
        : pod.withNewStatus().withPhase("Running").withPodIP(ip).endStatus();
  }

  private void create(Pod pod) {
    api.admin.resource(pod).create();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(condition, Duration.ofSeconds(20), what);
  }

  @Test
  void runningPodsWithTheProxyAreKnownByTheirAdminEndpoints() throws Exception {
    create(pod("shop", "client-7d9f", "10.0.3.7").build());
    create(pod("shop", "pending-1", null).build());
    // A native sidecar: the proxy among the init containers, on a moved admin port.
    create(pod("default", "job-x1", "10.0.4.2").editSpec().withContainers(app()).withInitContainers(proxy(16002))
        .endSpec().build());
    // Not labelled by the injector: not watched at all.
    create(pod("shop", "other", "10.0.3.8").editMetadata().withLabels(null).endMetadata().build());
    pods = new ProxyPods(api.newClient(), Optional.empty());
    pods.start(() -> {});
    List<KnownProxy> expected = List.of(new KnownProxy("default/job-x1", "10.0.4.2:16002"),
        new KnownProxy("shop/client-7d9f", "10.0.3.7:9990"));
    await(() -> pods.list().equals(expected), "the two running proxies");
    // The mock API server sends a watch only what happens after the watch begins.
    await(pods::watching, "the watch");

    api.admin.pods().inNamespace("shop").withName("client-7d9f").delete();
    create(pod("shop", "client-8e0a", "fd00::3:9").build());
    await(() -> pods.list().equals(List.of(new KnownProxy("default/job-x1", "10.0.4.2:16002"),
        new KnownProxy("shop/client-8e0a", "[fd00::3:9]:9990"))), "the replaced pod");
  }

  @Test
  void inOneNamespaceOnlyThatNamespacesPods() throws Exception {
    create(pod("shop", "client-7d9f", "10.0.3.7").build());
    create(pod("default", "client-1", "10.0.4.7").build());
    pods = new ProxyPods(api.newClient(), Optional.of("shop"));
    pods.start(() -> {});
    await(() -> pods.list().equals(List.of(new KnownProxy("shop/client-7d9f", "10.0.3.7:9990"))),
        "shop's proxy alone");
  }

  @Test
  void aPodsSidecarIsItsInboundPortAndServiceAccountAndItsComingAndGoingIsAChange() throws Exception {
    Container meshed = new ContainerBuilder(proxy(9990)).addNewPort().withName("fulcrum-inbound").withContainerPort(4143)
        .endPort().build();
    create(pod("shop", "grpc-a", "10.0.3.7").editSpec().withServiceAccountName("grpc").withContainers(app(), meshed)
        .endSpec().build());
    create(pod("shop", "outbound-only", "10.0.3.8").build());
    java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
    pods = new ProxyPods(api.newClient(), Optional.empty());
    pods.start(changes::incrementAndGet);
    await(() -> pods.inboundOf("shop", "grpc-a").isPresent(), "the meshed pod");
    await(pods::watching, "the watch");
    assertEquals(Optional.of(new Endpoint.Inbound(4143, "shop/grpc")), pods.inboundOf("shop", "grpc-a"));
    assertEquals(Optional.empty(), pods.inboundOf("shop", "outbound-only"), "a proxy without an inbound side");
    assertEquals(Optional.empty(), pods.inboundOf("shop", "missing"));

    int before = changes.get();
    create(pod("shop", "grpc-b", "10.0.3.9").editSpec().withContainers(app(), meshed).endSpec().build());
    await(() -> pods.inboundOf("shop", "grpc-b").isPresent(), "the second meshed pod");
    assertEquals(Optional.of(new Endpoint.Inbound(4143, "shop/default")), pods.inboundOf("shop", "grpc-b"),
        "no serviceAccountName: Kubernetes' default");
    await(() -> changes.get() > before, "a change for the new pod");
  }

  @Test
  void aPodsStatusChangingIsNoChangeOfItsSidecar() {
    Container meshed = new ContainerBuilder(proxy(9990)).addNewPort().withName("fulcrum-inbound").withContainerPort(4143)
        .endPort().build();
    Pod pending = pod("shop", "grpc-a", null).editSpec().withContainers(app(), meshed).endSpec().build();
    Pod running = new PodBuilder(pending).withNewStatus().withPhase("Running").withPodIP("10.0.3.7").endStatus().build();
    // ProxyPods.inbound is what its ChangeTrigger compares: equal, so no rebuild for a status update.
    assertEquals(ProxyPods.inbound(pending), ProxyPods.inbound(running));
    assertEquals(Optional.of(new Endpoint.Inbound(4143, "shop/default")), ProxyPods.inbound(running));
  }

  @Test
  void aPodWithoutTheProxysAdminPortIsNotAProxyToPoll() {
    Pod labelledOnly = pod("shop", "odd", "10.0.3.9").editSpec().withContainers(app()).endSpec().build();
    assertEquals(Optional.empty(), ProxyPods.proxy(labelledOnly));
  }
}
