package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.controlplane.injection.InjectionPolicy;
import dev.fulcrum.controlplane.injection.ProxyContainer;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.NOT_READY;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.TERMINATING;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.pod;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.port;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.service;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.Authorization;
import dev.fulcrum.api.link.AuthorizationExample;
import dev.fulcrum.api.link.AuthorizationStatus;
import dev.fulcrum.api.link.Link;
import dev.fulcrum.controlplane.authz.MeshAuthorization;
import dev.fulcrum.api.link.LinkStatus;
import dev.fulcrum.controlplane.kubernetes.ClusterObjects.Pod;
import dev.fulcrum.controlplane.mesh.Authority;
import dev.fulcrum.controlplane.mesh.Endpoint.Health;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.LinkValidator;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.MeshReconciler;
import dev.fulcrum.controlplane.mesh.Seed;
import dev.fulcrum.controlplane.mesh.Target;
import dev.fulcrum.testing.Await;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes source against the mock API server: real client, real informers, real HTTP. The
 * pipeline up to the model runs as in the control plane (reconcile, then report back), without xDS.
 */
class KubernetesLinkSourceTest {
  private static final Target V1 = new Target("grpc-service-v1.default", 7001);
  private static final Target V2 = new Target("grpc-service-v2.default", 7002);

  private ApiServer api;
  private KubernetesLinkSource source;
  private MeshReconciler reconciler;
  private final AtomicInteger deliveries = new AtomicInteger();

  @BeforeEach
  void cluster() throws Exception {
    api = new ApiServer().withCrds();
    api.admin.resource(service("default", "grpc-service-v1", port("grpc", 7001, new IntOrString("grpc")))).create();
    api.admin.resource(service("default", "grpc-service-v2", port("grpc", 7002, new IntOrString(8002)))).create();
    api.admin.resource(slice("default", "grpc-service-v1", "v1-a", "grpc", 8001, pod("10.0.1.1"), pod("10.0.1.2"))).create();
    api.admin.resource(slice("default", "grpc-service-v2", "v2-a", "grpc", 8002, pod("10.0.2.1"))).create();
    api.admin.resource(link(Seed.YAML)).create();
  }

  private void startSource() throws Exception {
    source = new KubernetesLinkSource(api.newClient(), KubernetesLinkSource.Settings.defaults(Optional.empty()));
    reconciler = new MeshReconciler(new LinkValidator(), source.endpointResolver(), source.serviceAliases());
    source.start(documents -> {
      deliveries.incrementAndGet();
      source.reconciled(reconciler.reconcile(documents));
    });
  }

  @AfterEach
  void stop() {
    api.close(); // first: the mock server stalls for long when clients close their watches
    if (source != null) {
      source.close();
    }
  }

  private static Link link(String yaml) {
    Link link = Seed.link(yaml);
    link.getMetadata().setNamespace("default");
    return link;
  }

  private MeshModel model() {
    return reconciler.current();
  }

  private LinkStatus status(String name) {
    Link link = api.admin.resources(Link.class).inNamespace("default").withName(name).get();
    return link == null ? null : link.getStatus();
  }

  private static Condition condition(LinkStatus status, String type) {
    return status.conditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  /** Waits until no delivery has come for 300 ms, and returns how many there were. */
  private int quiet() throws InterruptedException {
    int before;
    do {
      before = deliveries.get();
      Thread.sleep(300); // deliberately idle: what is being checked is that nothing more comes
    } while (deliveries.get() != before);
    return before;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(condition, Duration.ofSeconds(5), what);
  }

  @Test
  void anEndpointWhosePodGetsASidecarIsMeshedFromThen() throws Exception {
    api.admin.resource(slice("default", "grpc-service-v2", "v2-a", "grpc", 8002,
        new ClusterObjects.Pod("10.0.2.1", ClusterObjects.READY, "v2-pod"))).update();
    startSource();
    assertEquals(List.of(new Endpoint("10.0.2.1", 8002)), model().endpointsOf(V2));
    api.admin.resource(new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata().withNamespace("default").withName("v2-pod")
          .addToLabels(InjectionPolicy.PROXY_LABEL, InjectionPolicy.INJECTED).endMetadata()
        .withNewSpec().withServiceAccountName("echo-v2")
          .addNewContainer().withName("app").withImage("example/echo:1").endContainer()
          .addNewContainer().withName(ProxyContainer.NAME).withImage("fulcrum/proxy:0.1.0")
            .addNewPort().withName(ProxyContainer.INBOUND_PORT_NAME).withContainerPort(4143).endPort().endContainer()
        .endSpec().build()).create();
    await(() -> model().endpointsOf(V2).equals(List.of(new Endpoint("10.0.2.1", 8002, Endpoint.Health.HEALTHY,
        Optional.of(new Endpoint.Inbound(4143, "default/echo-v2"))))), "the endpoint meshed once its pod has a sidecar");
  }

  @Test
  void servesTheSeedLinkWithTheEndpointsOfItsServices() throws Exception {
    startSource();
    assertEquals(1, model().links().size(), model().errors().toString());
    assertEquals("default/my-grpc-service", model().links().get(0).id());
    assertEquals(List.of(V1, V2), model().links().get(0).targets());
    assertEquals(List.of(new Endpoint("10.0.1.1", 8001), new Endpoint("10.0.1.2", 8001)), model().endpointsOf(V1));
    assertEquals(List.of(new Endpoint("10.0.2.1", 8002)), model().endpointsOf(V2));
    assertEquals(List.of(), model().errors());
  }

  @Test
  void nothingIsDeliveredBeforeLinksServicesAndSlicesAreAllListed() throws Exception {
    // An early delivery (Links listed, Services not yet) would serve and report Links without endpoints.
    startSource();
    assertEquals(1, quiet(), "one delivery at start, with everything listed");
    assertEquals(3, model().endpointsOf(V1).size() + model().endpointsOf(V2).size());
  }

  @Test
  void aFullServiceNameAlsoAnswersToItsShortForms() throws Exception {
    startSource();
    assertEquals(List.of(new Authority("grpc-service", 50051), new Authority("grpc-service.default", 50051),
            new Authority("grpc-service.default.svc", 50051)),
        model().aliasesOf(model().links().get(0)));
  }

  @Test
  void endpointSliceEditsFollowWithinASecond() throws Exception {
    startSource();
    long start = System.nanoTime();
    api.admin.resource(slice("default", "grpc-service-v1", "v1-a", "grpc", 8001,
        pod("10.0.1.1"), pod("10.0.1.2"), pod("10.0.1.3"))).update();
    await(() -> model().endpointsOf(V1).size() == 3, "scaled up to three");
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos());

    api.admin.resource(slice("default", "grpc-service-v1", "v1-a", "grpc", 8001,
        pod("10.0.1.1"), new Pod("10.0.1.2", NOT_READY), new Pod("10.0.1.3", TERMINATING))).update();
    await(() -> model().endpointsOf(V1).equals(List.of(
        new Endpoint("10.0.1.1", 8001), new Endpoint("10.0.1.3", 8001, Health.DRAINING))), "one not ready, one draining");

    api.admin.resource(slice("default", "grpc-service-v1", "v1-b", "grpc", 8001, pod("10.0.1.9"))).create();
    await(() -> model().endpointsOf(V1).contains(new Endpoint("10.0.1.9", 8001)), "a second slice counts too");
  }

  @Test
  void writesAcceptedAndResolvedConditions() throws Exception {
    startSource();
    await(() -> status("my-grpc-service") != null, "a status");
    LinkStatus status = status("my-grpc-service");
    assertEquals(1L, status.observedGeneration());
    assertEquals("2/2", status.targetsReady());
    assertEquals("True", condition(status, LinkStatus.ACCEPTED).getStatus());
    assertEquals("True", condition(status, LinkStatus.RESOLVED_REFS).getStatus());
    assertEquals(1L, condition(status, LinkStatus.ACCEPTED).getObservedGeneration());

    api.admin.resource(slice("default", "grpc-service-v2", "v2-a", "grpc", 8002, new Pod("10.0.2.1", NOT_READY))).update();
    await(() -> "1/2".equals(status("my-grpc-service").targetsReady()), "v2 without ready endpoints");
    Condition resolved = condition(status("my-grpc-service"), LinkStatus.RESOLVED_REFS);
    assertEquals("False", resolved.getStatus(), String.valueOf(status("my-grpc-service")));
    assertEquals("NoReadyEndpoints", resolved.getReason());
    assertTrue(resolved.getMessage().contains("grpc-service-v2.default:7002: Service has no ready endpoints"), resolved.getMessage());
  }

  @Test
  void anInvalidLinkIsNotAcceptedNamingTheFieldAndOthersServeOn() throws Exception {
    startSource();
    api.admin.resource(link(Seed.yaml("broken", "broken.default.svc.cluster.local", 80, "grpc-service-v1:7001")
        + "  strategy: fastest\n")).create();
    await(() -> status("broken") != null, "the broken Link's status");
    Condition accepted = condition(status("broken"), LinkStatus.ACCEPTED);
    assertEquals("False", accepted.getStatus());
    assertEquals("Invalid", accepted.getReason());
    assertEquals("spec.strategy: 'fastest' is not one of round-robin, least-loaded, random, peak-ewma", accepted.getMessage());
    assertEquals(List.of("default/my-grpc-service"), model().links().stream().map(l -> l.id()).toList());
    assertEquals("True", condition(status("my-grpc-service"), LinkStatus.ACCEPTED).getStatus());
  }

  /** Updates {@code resource}; the control plane writes its status meanwhile, so a write that loses that race is retried. */
  private void updateBesideItsStatusWrites(io.fabric8.kubernetes.api.model.HasMetadata resource) {
    for (int attempt = 1; ; attempt++) {
      try {
        api.admin.resource(resource).update();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  @Test
  void aBadEditKeepsTheLastValidVersionServingAndSaysSo() throws Exception {
    startSource();
    updateBesideItsStatusWrites(link(Seed.YAML.replace("request-timeout: 5s", "request-timeout: soon")));
    await(() -> status("my-grpc-service") != null
        && "False".equals(condition(status("my-grpc-service"), LinkStatus.ACCEPTED).getStatus()), "not accepted");
    Condition accepted = condition(status("my-grpc-service"), LinkStatus.ACCEPTED);
    assertTrue(accepted.getMessage().startsWith("spec.policy.request-timeout: 'soon'"), accepted.getMessage());
    assertTrue(accepted.getMessage().endsWith("(the last valid version of this Link keeps serving)"), accepted.getMessage());
    assertEquals(1, model().links().size());
    assertEquals(Optional.of(Duration.ofSeconds(5)), model().links().get(0).policy().requestTimeout());
  }

  private AuthorizationStatus authorizationStatus(String name) {
    Authorization authorization = api.admin.resources(Authorization.class).inNamespace("default").withName(name).get();
    return authorization == null ? null : authorization.getStatus();
  }

  private static Authorization authorization(String yaml) {
    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(yaml, Authorization.class);
  }

  private static boolean accepted(AuthorizationStatus status, String value) {
    return status != null && status.conditions().stream()
        .anyMatch(c -> c.getType().equals(LinkStatus.ACCEPTED) && c.getStatus().equals(value));
  }

  @Test
  void anAuthorizationIsEnforcedAndAcceptedAndABadEditKeepsItsLastGoodVersion() throws Exception {
    api.admin.resource(authorization(AuthorizationExample.YAML)).create();
    startSource();
    assertEquals(List.of("default/echo-callers"),
        model().authorizations().enforced().stream().map(MeshAuthorization::id).toList());
    await(() -> accepted(authorizationStatus("echo-callers"), "True"), "the Authorization accepted");

    updateBesideItsStatusWrites(authorization(AuthorizationExample.YAML.replace("\"payments/*\"", "\"payments/*/x\"")));
    await(() -> accepted(authorizationStatus("echo-callers"), "False"), "the bad edit not accepted");
    Condition refused = authorizationStatus("echo-callers").conditions().get(0);
    assertEquals("Invalid", refused.getReason());
    assertTrue(refused.getMessage().startsWith("spec.rules[0].from.identities[1]: 'payments/*/x'"), refused.getMessage());
    assertTrue(refused.getMessage().endsWith("(the last valid version of this Authorization keeps being enforced)"),
        refused.getMessage());
    assertEquals(List.of("default/client", "payments/*"),
        model().authorizations().enforced().get(0).rules().get(0).callers().identities(), "the last good version");

    api.admin.resources(Authorization.class).inNamespace("default").withName("echo-callers").delete();
    await(() -> model().authorizations().enforced().isEmpty(), "a deleted Authorization is no longer enforced");
  }

  @Test
  void aMissingServiceIsReportedAsUnresolved() throws Exception {
    startSource();
    api.admin.resource(link(Seed.yaml("lonely", "lonely", 80, "nobody:80"))).create();
    await(() -> status("lonely") != null, "the lonely Link's status");
    Condition resolved = condition(status("lonely"), LinkStatus.RESOLVED_REFS);
    assertEquals("Unresolved", resolved.getReason());
    assertTrue(resolved.getMessage().contains("target nobody.default:80: Service default/nobody not found"), resolved.getMessage());
    assertEquals("0/1", status("lonely").targetsReady());
  }

  @Test
  void deletingALinkRemovesIt() throws Exception {
    startSource();
    api.admin.resources(Link.class).inNamespace("default").withName("my-grpc-service").delete();
    await(() -> model().links().isEmpty(), "no Link served");
  }

  @Test
  void aLinkDeletedAndCreatedAgainGetsItsStatusAgain() throws Exception {
    startSource();
    await(() -> status("my-grpc-service") != null, "a status");
    api.admin.resources(Link.class).inNamespace("default").withName("my-grpc-service").delete();
    await(() -> model().links().isEmpty(), "deleted");
    api.admin.resource(link(Seed.YAML)).create();
    await(() -> status("my-grpc-service") != null, "a status for the new Link");
    assertEquals("2/2", status("my-grpc-service").targetsReady());
  }

  @Test
  void ourStatusWritesDoNotCauseRebuilds() throws Exception {
    startSource();
    await(() -> status("my-grpc-service") != null, "a status");
    int before = quiet();
    api.admin.resource(slice("default", "grpc-service-v2", "v2-a", "grpc", 8002, new Pod("10.0.2.1", NOT_READY))).update();
    await(() -> "1/2".equals(status("my-grpc-service").targetsReady()), "the new status written");
    assertEquals(before + 1, quiet(), "one rebuild for the slice; none for the status write it caused");
  }

  @Test
  void startingWithoutTheCrdFailsNamingIt() {
    ApiServer bare = ApiServer.withoutResources();
    try (KubernetesLinkSource without = new KubernetesLinkSource(bare.newClient(),
        new KubernetesLinkSource.Settings(Optional.empty(), "cluster.local", Duration.ofMillis(5), Duration.ofSeconds(10)))) {
      Exception e = assertThrows(Exception.class, () -> without.start(documents -> {}));
      assertNotNull(e.getMessage());
      assertTrue(e.getMessage().contains("deploy/crds"), e.getMessage());
    } finally {
      bare.close();
    }
  }
}
