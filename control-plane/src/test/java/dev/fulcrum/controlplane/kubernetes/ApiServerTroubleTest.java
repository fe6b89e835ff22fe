package dev.fulcrum.controlplane.kubernetes;

import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.pod;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.port;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.service;
import static dev.fulcrum.controlplane.kubernetes.ClusterObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.controlplane.kubernetes.ClusterObjects.Pod;
import dev.fulcrum.controlplane.mesh.LinkValidator;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.MeshReconciler;
import dev.fulcrum.controlplane.mesh.Seed;
import dev.fulcrum.controlplane.mesh.Target;
import dev.fulcrum.testing.Await;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the mock API server never does by itself, done to the Kubernetes source: a watch ended with
 * {@code 410 Gone}, a watch dropped, the API server restarted. Each time the source must find what
 * changed and follow what changes next, and no model delivered meanwhile may lose the Link.
 */
class ApiServerTroubleTest {
  private static final Target V1 = new Target("grpc-service-v1.default", 7001);
  private static final Target V2 = new Target("grpc-service-v2.default", 7002);

  private ApiServerFaults faults = new ApiServerFaults();
  private ApiServer api;
  private KubernetesLinkSource source;
  private MeshReconciler reconciler;
  /** Every model the source's deliveries made, in order. */
  private final List<MeshModel> delivered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void cluster() throws Exception {
    api = ApiServer.with(faults).withCrds();
    createObjects(api, pod("10.0.1.1"), pod("10.0.1.2"));
  }

  /** The seed's Link, its two Services, and their slices: v1 on {@code v1Pods}, v2 on one pod. */
  private static void createObjects(ApiServer api, Pod... v1Pods) {
    api.admin.resource(service("default", "grpc-service-v1", port("grpc", 7001, new IntOrString("grpc")))).create();
    api.admin.resource(service("default", "grpc-service-v2", port("grpc", 7002, new IntOrString(8002)))).create();
    api.admin.resource(slice("default", "grpc-service-v1", "v1-a", "grpc", 8001, v1Pods)).create();
    api.admin.resource(slice("default", "grpc-service-v2", "v2-a", "grpc", 8002, pod("10.0.2.1"))).create();
    api.admin.resource(link(Seed.YAML)).create();
  }

  private void startSource() throws Exception {
    source = new KubernetesLinkSource(api.newClient(), KubernetesLinkSource.Settings.defaults(Optional.empty()));
    reconciler = new MeshReconciler(new LinkValidator(), source.endpointResolver(), source.serviceAliases());
    source.start(documents -> {
      MeshModel model = reconciler.reconcile(documents);
      delivered.add(model);
      source.reconciled(model);
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

  private Optional<Duration> requestTimeout() {
    return model().links().get(0).policy().requestTimeout();
  }

  /** Edits the seed Link's request timeout; the control plane writes its status meanwhile, so a lost race is retried. */
  private void setRequestTimeout(String timeout) {
    Link edited = link(Seed.YAML.replace("request-timeout: 5s", "request-timeout: " + timeout));
    for (int attempt = 1; ; attempt++) {
      try {
        api.admin.resource(edited).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(condition, Duration.ofSeconds(10), what);
  }

  /** No model delivered so far lost the Link or the endpoints of its targets. */
  private void assertNothingWasRemoved() {
    for (MeshModel model : delivered) {
      assertEquals(List.of("default/my-grpc-service"), model.links().stream().map(l -> l.id()).toList(), model.errors().toString());
      assertTrue(!model.endpointsOf(V1).isEmpty() && !model.endpointsOf(V2).isEmpty(), "endpoints lost: " + model);
    }
  }

  @Test
  void aWatchEndedBy410GoneReListsFindingWhatTheWatchMissedAndFollowsLaterChanges() throws Exception {
    startSource();
    // An edit the Links watch never hears of, as after the API server compacted its history.
    faults.deafen("links");
    setRequestTimeout("7s");
    assertEquals(Optional.of(Duration.ofSeconds(5)), requestTimeout(), "the watch missed the edit");
    long lists = faults.lists("links");
    faults.undeafen("links");
    // And the list after it is refused, as while the account's RBAC is re-applied: the informer
    // must try again (KeepWatching), not stop and serve the old Links for ever.
    faults.refuseReads(403);
    faults.gone("links");
    await(() -> faults.lists("links") > lists, "the Links listed again, and refused");
    faults.serveReads();

    await(() -> requestTimeout().equals(Optional.of(Duration.ofSeconds(7))), "the missed edit, found by a new list");
    await(() -> faults.watching("links"), "a new watch of the Links");
    setRequestTimeout("9s");
    await(() -> requestTimeout().equals(Optional.of(Duration.ofSeconds(9))), "an edit after the re-list");
    assertNothingWasRemoved();
  }

  @Test
  void aDroppedWatchIsOpenedAgainAndFollowsLaterChanges() throws Exception {
    startSource();
    followsAScaleUpAfter(() -> faults.dropWatches("endpointslices"));
  }

  @Test
  void aWatchEndedByAnErrorIsOpenedAgainAndFollowsLaterChanges() throws Exception {
    startSource();
    followsAScaleUpAfter(() -> faults.failWatches("endpointslices"));
  }

  /** Does {@code fault} to the EndpointSlices watch, then checks that scaling v1 up is followed. */
  private void followsAScaleUpAfter(Runnable fault) throws InterruptedException {
    long watches = faults.watches("endpointslices");
    fault.run();
    await(() -> faults.watches("endpointslices") > watches && faults.watching("endpointslices"),
        "the EndpointSlices watched again");
    api.admin.resource(slice("default", "grpc-service-v1", "v1-a", "grpc", 8001,
        pod("10.0.1.1"), pod("10.0.1.2"), pod("10.0.1.3"))).update();
    await(() -> model().endpointsOf(V1).size() == 3, "the scale-up after the watch came back");
    assertNothingWasRemoved();
  }

  @Test
  void anApiServerRestartedWithOneChangeIsFollowedAndNothingIsRemovedMeanwhile() throws Exception {
    startSource();
    ApiServerFaults restarted = ApiServerFaults.restartOf(faults);
    restarted.refuseReads(503); // starting: lists fail until the objects are all there
    api = api.restartedWith(restarted).withCrds();
    await(() -> !source.watching(), "the source seeing the API server gone");
    createObjects(api, pod("10.0.1.1"), pod("10.0.1.2"), pod("10.0.1.3")); // the same, and v1 scaled up
    int before = delivered.size();
    assertEquals(2, model().endpointsOf(V1).size(), "the last state served while the API server is away");
    restarted.serveReads();

    await(() -> model().endpointsOf(V1).size() == 3, "the change the restarted API server holds");
    await(source::watching, "watching the restarted API server");
    assertTrue(delivered.size() > before);
    api.admin.resource(slice("default", "grpc-service-v2", "v2-a", "grpc", 8002, pod("10.0.2.1"), pod("10.0.2.2"))).update();
    await(() -> model().endpointsOf(V2).size() == 2, "a change after the restart");
    assertNothingWasRemoved();
  }
}
