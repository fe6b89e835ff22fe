package dev.fulcrum.controlplane.xds;

import static dev.fulcrum.controlplane.xds.Fixtures.OTHER_NAME;
import static dev.fulcrum.controlplane.xds.Fixtures.SEED_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.authz.InboundListenerName;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.Seed;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Drives {@link XdsCache} as java-control-plane's ADS server does, without a network: for each
 * request, the stream callback then createWatch on the same thread, after cancelling the stream's
 * previous watch of that type.
 */
class XdsCacheTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final XdsCache cache = new XdsCache(nanos::get);

  private static final MeshModel SEED = Fixtures.seedModel();
  private static final MeshModel SEED_NEW_ENDPOINTS = Fixtures.model(List.of(Fixtures.seedLink()),
      Map.of(Seed.V1, List.of(Fixtures.E1, new Endpoint("10.0.0.3", 7001))));
  private static final MeshModel SEED_AND_OTHER =
      Fixtures.model(List.of(Fixtures.seedLink(), Fixtures.otherLink()), Map.of());
  private static final MeshModel OTHER = Fixtures.model(List.of(Fixtures.otherLink()), Map.of());
  private static final MeshModel OTHER_AND_THIRD =
      Fixtures.model(List.of(Fixtures.otherLink(), Fixtures.thirdLink()), Map.of());

  /** One ADS stream of one client. */
  private final class Stream {
    final long id;
    final List<Response> responses = new ArrayList<>();
    final Map<XdsType, Watch> watches = new EnumMap<>(XdsType.class);

    Stream(long id) {
      this.id = id;
    }

    /** Sends a request (an ACK when {@code version} is the last one sent), returning what was answered at once. */
    List<Response> request(XdsType type, String version, String... names) {
      return send(builder(type, version, names).build());
    }

    /** Sends a NACK: {@code version} is the last version the client accepted. */
    List<Response> nack(XdsType type, String version, String... names) {
      return send(builder(type, version, names)
          .setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage("rejected by test"))
          .build());
    }

    /** Requests {@code names} and ACKs the answer, which must come at once; returns the version ACKed. */
    String subscribe(XdsType type, String... names) {
      List<Response> answered = request(type, "", names);
      assertEquals(1, answered.size(), type + " not answered at once");
      String version = answered.get(0).version();
      assertEquals(List.of(), request(type, version, names), "an ACK is not answered");
      return version;
    }

    private DiscoveryRequest.Builder builder(XdsType type, String version, String... names) {
      return DiscoveryRequest.newBuilder()
          .setNode(Node.newBuilder().setId("node-" + id))
          .setTypeUrl(type.typeUrl())
          .setVersionInfo(version)
          .addAllResourceNames(List.of(names));
    }

    private List<Response> send(DiscoveryRequest request) {
      int before = responses.size();
      cache.onV3StreamRequest(id, request);
      XdsType type = XdsType.fromTypeUrl(request.getTypeUrl()).orElseThrow();
      Watch previous = watches.remove(type);
      if (previous != null) {
        previous.cancel();
      }
      watches.put(type, cache.createWatch(true, XdsRequest.create(request), Set.of(), responses::add, false, false));
      return new ArrayList<>(responses.subList(before, responses.size()));
    }

    /** What was answered since {@code before} responses. */
    List<Response> since(int before) {
      return new ArrayList<>(responses.subList(before, responses.size()));
    }

    Response last() {
      return responses.get(responses.size() - 1);
    }
  }

  private void publish(MeshModel model) {
    cache.publish(Fixtures.translate(model));
  }

  private static Set<String> names(Response response) {
    Set<String> names = new java.util.HashSet<>();
    for (Message resource : response.resources()) {
      names.add(Resources.getResourceName(resource));
    }
    assertEquals(response.resources().size(), names.size(), "a resource sent twice");
    return names;
  }

  private Map<XdsType, String> versions() {
    Map<XdsType, String> versions = new EnumMap<>(XdsType.class);
    for (XdsType type : XdsType.values()) {
      versions.put(type, cache.version(type));
    }
    return versions;
  }

  // (a) first request, ACK, publish

  @Test
  void aFirstRequestIsAnsweredAtOnceWithTheRequestedNamesAndTheTypesVersion() {
    publish(SEED_AND_OTHER);
    XdsResources resources = Fixtures.translate(SEED_AND_OTHER);
    Stream stream = new Stream(1);

    for (XdsType type : XdsType.values()) {
      List<Response> answered = stream.request(type, "", SEED_NAME);

      assertEquals(1, answered.size(), type.name());
      Response response = answered.get(0);
      assertEquals(cache.version(type), response.version());
      assertFalse(response.version().isEmpty());
      assertEquals(List.of(resources.ofType(type).get(SEED_NAME)), List.copyOf(response.resources()), type.name());
      assertEquals(type.typeUrl(), response.request().getTypeUrl());
    }
  }

  @Test
  void anAckIsNotAnsweredUntilAPublishChangesThatType() {
    publish(SEED);
    Stream stream = new Stream(1);
    String listenerVersion = stream.subscribe(XdsType.LISTENER, SEED_NAME);
    stream.subscribe(XdsType.CLUSTER, SEED_NAME);

    publish(SEED_NEW_ENDPOINTS);
    assertEquals(2, stream.responses.size(), "endpoints changed: no Listener or Cluster is sent");

    publish(SEED_AND_OTHER);
    List<Response> answered = stream.since(2);
    assertEquals(Set.of(XdsType.LISTENER, XdsType.CLUSTER),
        Set.of(XdsType.fromTypeUrl(answered.get(0).request().getTypeUrl()).orElseThrow(),
            XdsType.fromTypeUrl(answered.get(1).request().getTypeUrl()).orElseThrow()));
    assertEquals(2, answered.size());
    Response listeners = answered.stream()
        .filter(r -> r.request().getTypeUrl().equals(XdsType.LISTENER.typeUrl())).findFirst().orElseThrow();
    assertNotEquals(listenerVersion, listeners.version());
    assertEquals(cache.version(XdsType.LISTENER), listeners.version());
    assertEquals(Set.of(SEED_NAME), names(listeners), "only the names requested");
  }

  @Test
  void theAnswerToAnAckGoesOutOnlyOnce() {
    publish(SEED);
    Stream stream = new Stream(1);
    stream.subscribe(XdsType.ENDPOINT, SEED_NAME);

    publish(SEED_NEW_ENDPOINTS);
    assertEquals(2, stream.responses.size());
    publish(SEED_NEW_ENDPOINTS);
    assertEquals(2, stream.responses.size());
    assertEquals(List.of(), stream.request(XdsType.ENDPOINT, stream.last().version(), SEED_NAME));
  }

  @Test
  void publishingAnIdenticalConfigurationAnswersNothing() {
    publish(SEED);
    Stream stream = new Stream(1);
    for (XdsType type : XdsType.values()) {
      stream.subscribe(type, SEED_NAME);
    }
    Map<XdsType, String> versions = versions();

    publish(SEED);
    publish(Fixtures.seedModel());

    assertEquals(4, stream.responses.size());
    assertEquals(versions, versions());
  }

  @Test
  void anEndpointOnlyChangeChangesOnlyTheEdsVersion() {
    publish(SEED);
    Stream stream = new Stream(1);
    for (XdsType type : XdsType.values()) {
      stream.subscribe(type, SEED_NAME);
    }
    Map<XdsType, String> before = versions();

    publish(SEED_NEW_ENDPOINTS);

    Map<XdsType, String> after = versions();
    assertEquals(before.get(XdsType.LISTENER), after.get(XdsType.LISTENER));
    assertEquals(before.get(XdsType.ROUTE), after.get(XdsType.ROUTE));
    assertEquals(before.get(XdsType.CLUSTER), after.get(XdsType.CLUSTER));
    assertNotEquals(before.get(XdsType.ENDPOINT), after.get(XdsType.ENDPOINT));
    List<Response> answered = stream.since(4);
    assertEquals(1, answered.size());
    assertEquals(XdsType.ENDPOINT.typeUrl(), answered.get(0).request().getTypeUrl());
    assertEquals(after.get(XdsType.ENDPOINT), answered.get(0).version());
    assertEquals(List.of(Fixtures.translate(SEED_NEW_ENDPOINTS).endpoints().get(SEED_NAME)),
        List.copyOf(answered.get(0).resources()));
  }

  @Test
  void aChangedSubscriptionIsAnsweredAtOnce() {
    publish(SEED_AND_OTHER);
    Stream stream = new Stream(1);
    String version = stream.subscribe(XdsType.CLUSTER, SEED_NAME);

    List<Response> answered = stream.request(XdsType.CLUSTER, version, SEED_NAME, OTHER_NAME);

    assertEquals(1, answered.size());
    assertEquals(version, answered.get(0).version());
    assertEquals(Set.of(SEED_NAME, OTHER_NAME), names(answered.get(0)));
  }

  @Test
  void aWildcardListenerRequestGetsEveryListener() {
    publish(SEED_AND_OTHER);
    Stream stream = new Stream(1);

    List<Response> answered = stream.request(XdsType.LISTENER, "");

    assertEquals(1, answered.size());
    assertEquals(Set.of(SEED_NAME, OTHER_NAME), names(answered.get(0)));
  }

  // (b) NACK storm

  @Test
  void aRejectedFirstVersionIsNotSentAgainUntilTheNextPublish() {
    publish(SEED);
    Stream stream = new Stream(1);
    assertEquals(1, stream.request(XdsType.CLUSTER, "", SEED_NAME).size());
    String rejected = stream.last().version();

    for (int i = 0; i < 5; i++) {
      assertEquals(List.of(), stream.nack(XdsType.CLUSTER, "", SEED_NAME), "NACK " + i + " answered");
    }
    publish(SEED);
    assertEquals(1, stream.responses.size());

    publish(SEED_AND_OTHER);
    assertEquals(2, stream.responses.size());
    assertNotEquals(rejected, stream.last().version());
    assertEquals(cache.version(XdsType.CLUSTER), stream.last().version());
    assertEquals(Set.of(SEED_NAME), names(stream.last()));
  }

  @Test
  void aRejectedUpdateIsNotSentAgainUntilTheNextPublish() {
    publish(SEED);
    Stream stream = new Stream(1);
    String accepted = stream.subscribe(XdsType.ENDPOINT, SEED_NAME);
    publish(SEED_NEW_ENDPOINTS);
    assertEquals(2, stream.responses.size());
    String rejected = stream.last().version();

    for (int i = 0; i < 5; i++) {
      assertEquals(List.of(), stream.nack(XdsType.ENDPOINT, accepted, SEED_NAME), "NACK " + i + " answered");
    }
    assertEquals(2, stream.responses.size());

    publish(Fixtures.model(List.of(Fixtures.seedLink()), Map.of(Seed.V2, List.of(new Endpoint("10.0.0.4", 7002)))));
    assertEquals(3, stream.responses.size());
    String next = stream.last().version();
    assertNotEquals(rejected, next);
    assertNotEquals(accepted, next);
    assertEquals(List.of(), stream.request(XdsType.ENDPOINT, next, SEED_NAME), "the ACK of the next version");
  }

  @Test
  void republishingTheRejectedVersionDoesNotSendItAgain() {
    publish(SEED);
    Stream stream = new Stream(1);
    String accepted = stream.subscribe(XdsType.ENDPOINT, SEED_NAME);
    publish(SEED_NEW_ENDPOINTS);
    stream.nack(XdsType.ENDPOINT, accepted, SEED_NAME);

    publish(SEED); // back to what the client has: nothing to send
    publish(SEED_NEW_ENDPOINTS); // what it rejected: not again

    assertEquals(2, stream.responses.size());
  }

  @Test
  void aNackOfOneTypeDoesNotHoldBackTheOthers() {
    publish(SEED);
    Stream stream = new Stream(1);
    stream.request(XdsType.CLUSTER, "", SEED_NAME);
    stream.nack(XdsType.CLUSTER, "", SEED_NAME);

    assertEquals(1, stream.request(XdsType.ENDPOINT, "", SEED_NAME).size());
  }

  // (c) unknown Listener

  @Test
  void anUnknownListenerIsAnsweredAtOnceAndOnlyOnce() {
    publish(SEED);
    Stream stream = new Stream(1);

    List<Response> answered = stream.request(XdsType.LISTENER, "", "unknown.example:1");

    assertEquals(1, answered.size());
    assertEquals(List.of(XdsTranslator.unknownServiceListener("unknown.example:1")),
        List.copyOf(answered.get(0).resources()), "the Listener that fails calls at once");
    String version = answered.get(0).version();
    assertEquals(cache.version(XdsType.LISTENER), version);
    for (int i = 0; i < 5; i++) {
      assertEquals(List.of(), stream.request(XdsType.LISTENER, version, "unknown.example:1"), "ACK " + i + " answered");
    }
    assertEquals(1, stream.responses.size());
  }

  @Test
  void aRequestForKnownAndUnknownNamesGetsTheKnownOnes() {
    publish(SEED);
    Stream stream = new Stream(1);

    Response listeners = stream.request(XdsType.LISTENER, "", SEED_NAME, "unknown.example:1").get(0);
    Response clusters = stream.request(XdsType.CLUSTER, "", SEED_NAME, "unknown.example:1").get(0);

    assertEquals(Set.of(Fixtures.translate(SEED).listeners().get(SEED_NAME),
            XdsTranslator.unknownServiceListener("unknown.example:1")),
        Set.copyOf(listeners.resources()));
    assertEquals(List.of(Fixtures.translate(SEED).clusters().get(SEED_NAME)), List.copyOf(clusters.resources()));
  }

  @Test
  void anUnknownListenerThatAppearsIsSent() {
    publish(SEED);
    Stream stream = new Stream(1);
    stream.subscribe(XdsType.LISTENER, OTHER_NAME);

    publish(SEED_AND_OTHER);

    assertEquals(2, stream.responses.size());
    assertEquals(List.of(Fixtures.translate(SEED_AND_OTHER).listeners().get(OTHER_NAME)),
        List.copyOf(stream.last().resources()));
  }

  @Test
  void aPolicyChangeIsSentToTheServersInboundListenerAndNothingElse() throws Exception {
    String inbound = new dev.fulcrum.contract.authz.InboundListenerName("0.0.0.0:7001",
        Optional.of("default/echo-v1"), Optional.empty()).toString();
    XdsResources allowing = Fixtures.translate(SEED);
    cache.publish(allowing);
    Stream stream = new Stream(1);
    stream.subscribe(XdsType.LISTENER, inbound);
    stream.subscribe(XdsType.CLUSTER, SEED_NAME);
    assertEquals(2, stream.responses.size());

    InboundPolicies denying = new InboundPolicies(List.of(), DefaultInboundPolicy.DENY,
        "cluster.local");
    cache.publish(new XdsResources(allowing.listeners(), allowing.routes(), allowing.clusters(), allowing.endpoints(), denying));

    assertEquals(3, stream.responses.size(), "the Listener alone is sent again");
    Response sent = stream.last();
    assertEquals(XdsType.LISTENER.typeUrl(), sent.request().getTypeUrl());
    Listener listener =
        (Listener) sent.resources().iterator().next();
    RBAC rbac = listener.getFilterChains(0).getFilters(0).getTypedConfig()
        .unpack(HttpConnectionManager.class)
        .getHttpFilters(0).getTypedConfig().unpack(RBAC.class);
    assertTrue(rbac.getRules().containsPolicies("default:deny#0"), rbac.toString());

    cache.publish(new XdsResources(allowing.listeners(), allowing.routes(), allowing.clusters(), allowing.endpoints(), denying));
    assertEquals(3, stream.responses.size(), "the same policies again: nothing sent");
  }

  // (d) switch-over

  @Test
  void aRemovedClusterAndItsEndpointsAreRetainedForStreamsThatStillRequestThem() {
    publish(SEED);
    Stream stream = new Stream(1);
    stream.subscribe(XdsType.CLUSTER, SEED_NAME);
    stream.subscribe(XdsType.ENDPOINT, SEED_NAME);
    XdsResources seed = Fixtures.translate(SEED);

    publish(OTHER);

    List<Response> answered = stream.since(2);
    assertEquals(2, answered.size());
    for (Response response : answered) {
      XdsType type = XdsType.fromTypeUrl(response.request().getTypeUrl()).orElseThrow();
      assertEquals(cache.version(type), response.version());
      assertEquals(List.of(seed.ofType(type).get(SEED_NAME)), List.copyOf(response.resources()), type.name());
    }
    Stream newcomer = new Stream(2);
    assertEquals(Set.of(SEED_NAME, OTHER_NAME), names(newcomer.request(XdsType.CLUSTER, "", SEED_NAME, OTHER_NAME).get(0)));
    assertEquals(Set.of(OTHER_NAME), names(new Stream(3).request(XdsType.CLUSTER, "").get(0)),
        "a wildcard request gets only current clusters");
  }

  @Test
  void aRemovedClusterIsGoneAfterRetainRemoved() {
    publish(SEED);
    Stream stream = new Stream(1);
    stream.subscribe(XdsType.CLUSTER, SEED_NAME);
    stream.subscribe(XdsType.ENDPOINT, SEED_NAME);
    publish(OTHER);
    assertEquals(4, stream.responses.size());
    assertEquals(List.of(), stream.request(XdsType.CLUSTER, cache.version(XdsType.CLUSTER), SEED_NAME));
    assertEquals(List.of(), stream.request(XdsType.ENDPOINT, cache.version(XdsType.ENDPOINT), SEED_NAME));

    nanos.addAndGet(XdsCache.RETAIN_REMOVED.plusSeconds(1).toNanos());
    publish(OTHER_AND_THIRD);

    List<Response> answered = stream.since(4);
    assertEquals(2, answered.size());
    for (Response response : answered) {
      assertEquals(List.of(), List.copyOf(response.resources()), response.request().getTypeUrl());
    }
    assertEquals(List.of(), List.copyOf(new Stream(2).request(XdsType.CLUSTER, "", SEED_NAME).get(0).resources()));
  }

  @Test
  void aRemovedClusterIsStillRetainedJustBeforeRetainRemoved() {
    publish(SEED);
    publish(OTHER);

    nanos.addAndGet(XdsCache.RETAIN_REMOVED.minusSeconds(1).toNanos());
    publish(OTHER_AND_THIRD);

    assertEquals(Set.of(SEED_NAME), names(new Stream(1).request(XdsType.CLUSTER, "", SEED_NAME).get(0)));
  }

  @Test
  void aClusterThatComesBackIsNoLongerRetired() {
    publish(SEED);
    publish(OTHER);
    publish(SEED_AND_OTHER);
    nanos.addAndGet(Duration.ofMinutes(5).toNanos());
    publish(Fixtures.model(List.of(Fixtures.seedLink(), Fixtures.otherLink(), Fixtures.thirdLink()), Map.of()));

    assertEquals(Set.of(SEED_NAME), names(new Stream(1).request(XdsType.CLUSTER, "", SEED_NAME).get(0)));
  }

  @Test
  void aRemovedClusterIsGoneAfterRetainRemovedEvenIfNothingElseChanged() {
    publish(SEED);
    Stream stream = new Stream(1);
    stream.subscribe(XdsType.CLUSTER, SEED_NAME);
    publish(OTHER);
    assertEquals(Set.of(SEED_NAME), names(stream.last()));
    assertEquals(List.of(), stream.request(XdsType.CLUSTER, cache.version(XdsType.CLUSTER), SEED_NAME));

    nanos.addAndGet(XdsCache.RETAIN_REMOVED.plusSeconds(1).toNanos());
    publish(OTHER);

    assertEquals(List.of(), List.copyOf(new Stream(2).request(XdsType.CLUSTER, "", SEED_NAME).get(0).resources()));
    assertEquals(3, stream.responses.size(), "the stream still requesting it is told it is gone");
    assertEquals(List.of(), List.copyOf(stream.last().resources()));
  }

  @Test
  void aRemovedListenerIsNeverRetained() {
    publish(SEED);
    Stream stream = new Stream(1);
    stream.subscribe(XdsType.LISTENER, SEED_NAME);

    publish(OTHER);

    // Not the old Listener: the one for an unknown service, which fails calls at once.
    Listener unknown = XdsTranslator.unknownServiceListener(SEED_NAME);
    assertEquals(2, stream.responses.size());
    assertEquals(List.of(unknown), List.copyOf(stream.last().resources()));
    assertEquals(cache.version(XdsType.LISTENER), stream.last().version());
    assertEquals(List.of(unknown), List.copyOf(new Stream(2).request(XdsType.LISTENER, "", SEED_NAME).get(0).resources()));
  }

  @Test
  void aRemovedRouteConfigurationIsRetainedLikeItsCluster() {
    publish(SEED);
    publish(OTHER);

    assertEquals(List.of(Fixtures.translate(SEED).routes().get(SEED_NAME)),
        List.copyOf(new Stream(1).request(XdsType.ROUTE, "", SEED_NAME).get(0).resources()));
  }

  // (e) before the first publish

  @Test
  void requestsBeforeTheFirstPublishWaitForIt() {
    Stream stream = new Stream(1);
    for (XdsType type : XdsType.values()) {
      assertEquals(List.of(), stream.request(type, "", SEED_NAME), type.name());
    }
    Stream wildcard = new Stream(2);
    assertEquals(List.of(), wildcard.request(XdsType.LISTENER, ""));

    publish(SEED);

    assertEquals(4, stream.responses.size());
    XdsResources seed = Fixtures.translate(SEED);
    for (Response response : stream.responses) {
      XdsType type = XdsType.fromTypeUrl(response.request().getTypeUrl()).orElseThrow();
      assertEquals(cache.version(type), response.version());
      assertEquals(List.of(seed.ofType(type).get(SEED_NAME)), List.copyOf(response.resources()));
    }
    assertEquals(1, wildcard.responses.size());
    assertEquals(Set.of(SEED_NAME), names(wildcard.last()));
  }

  @Test
  void anEmptyFirstPublishAnswersWaitingRequests() {
    Stream stream = new Stream(1);
    stream.request(XdsType.LISTENER, "", SEED_NAME);
    stream.request(XdsType.CLUSTER, "", SEED_NAME);

    publish(MeshModel.EMPTY);

    assertEquals(2, stream.responses.size());
    for (Response response : stream.responses) {
      List<Message> expected = response.request().getTypeUrl().equals(XdsType.LISTENER.typeUrl())
          ? List.of(XdsTranslator.unknownServiceListener(SEED_NAME))
          : List.of();
      assertEquals(expected, List.copyOf(response.resources()), response.request().getTypeUrl());
    }
  }

  // (f) streams are independent

  @Test
  void twoStreamsAreTrackedIndependently() {
    publish(SEED);
    Stream first = new Stream(1);
    Stream second = new Stream(2);
    String version = first.subscribe(XdsType.CLUSTER, SEED_NAME);

    // A client reconnecting says which version it has; a new stream is still answered.
    assertEquals(1, second.request(XdsType.CLUSTER, version, SEED_NAME).size());
    assertEquals(version, second.last().version());
    assertEquals(1, first.responses.size());

    // The second stream rejects it: the first, which accepted it, is unaffected.
    second.nack(XdsType.CLUSTER, "", SEED_NAME);
    Stream third = new Stream(3);
    assertEquals(1, third.request(XdsType.CLUSTER, "", SEED_NAME).size());

    publish(SEED_AND_OTHER);
    assertEquals(2, first.responses.size());
    assertEquals(2, second.responses.size());
    assertEquals(first.last().version(), second.last().version());
  }

  @Test
  void aClosedStreamIsForgotten() {
    publish(SEED);
    Stream stream = new Stream(1);
    String version = stream.subscribe(XdsType.CLUSTER, SEED_NAME);

    cache.onStreamClose(1, XdsType.CLUSTER.typeUrl());
    publish(SEED_AND_OTHER);

    assertEquals(1, stream.responses.size(), "no answer on a closed stream");
    assertEquals(1, new Stream(1).request(XdsType.CLUSTER, version, SEED_NAME).size(),
        "a stream id seen again starts afresh");
  }

  @Test
  void aCancelledWatchIsNotAnswered() {
    Stream stream = new Stream(1);
    stream.request(XdsType.CLUSTER, "", SEED_NAME);
    stream.watches.get(XdsType.CLUSTER).cancel();

    publish(SEED);

    assertEquals(List.of(), stream.responses);
  }

  // other protocol details

  @Test
  void typesOtherThanTheFourAreNeverAnswered() {
    publish(SEED);
    List<Response> responses = new ArrayList<>();
    DiscoveryRequest secrets = DiscoveryRequest.newBuilder().setTypeUrl(Resources.V3.SECRET_TYPE_URL).build();
    cache.onV3StreamRequest(1, secrets);

    Watch watch = cache.createWatch(true, XdsRequest.create(secrets), Set.of(), responses::add, false, false);
    publish(SEED_AND_OTHER);

    assertSame(secrets, watch.request().v3Request());
    assertEquals(List.of(), responses);
  }

  @Test
  void versionsAreTheSameForTheSameContent() {
    publish(SEED);
    Map<XdsType, String> versions = versions();
    XdsCache other = new XdsCache();
    other.publish(Fixtures.translate(Fixtures.seedModel()));

    for (XdsType type : XdsType.values()) {
      assertEquals(versions.get(type), other.version(type), type.name());
      assertFalse(versions.get(type).isEmpty());
    }
    assertEquals("", new XdsCache().version(XdsType.LISTENER), "nothing published yet");
  }

  @Test
  void deltaXdsIsNotSupported() {
    assertThrows(UnsupportedOperationException.class,
        () -> cache.createDeltaWatch(null, "", Map.of(), Set.of(), true, r -> {}, false));
  }

  @Test
  void theTypeUrlsAreTheV3Ones() {
    assertEquals("type.googleapis.com/envoy.config.listener.v3.Listener", XdsType.LISTENER.typeUrl());
    assertEquals("type.googleapis.com/envoy.config.route.v3.RouteConfiguration", XdsType.ROUTE.typeUrl());
    assertEquals("type.googleapis.com/envoy.config.cluster.v3.Cluster", XdsType.CLUSTER.typeUrl());
    assertEquals("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", XdsType.ENDPOINT.typeUrl());
    assertTrue(XdsType.fromTypeUrl("type.googleapis.com/envoy.config.listener.v2.Listener").isEmpty());
  }
}
