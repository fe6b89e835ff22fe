package dev.fulcrum.controlplane.xds;

import com.google.common.annotations.VisibleForTesting;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.WatchCancelledException;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers xDS requests (state of the world, ADS) from the last published {@link XdsResources}.
 * It replaces java-control-plane's SimpleCache, which failed grpc-xds clients in three ways:
 * <ul>
 *   <li>NACK storm: a rejected version was re-sent at once, forever. Here a stream that rejected
 *       a version is not sent it again; it waits for the next one.</li>
 *   <li>Switch-over stall: a request naming a resource the snapshot no longer had went unanswered.
 *       Here every request is answered with whatever of it exists, and removed Clusters and their
 *       endpoints stay available for {@link #RETAIN_REMOVED} so clients on the old route keep
 *       working until the new one reaches them.</li>
 *   <li>Unknown service: a Listener that does not exist was never answered, so the caller waited
 *       for grpc's 15 s timer (grpc-xds also ignores the absence of a Listener it never had). Here a
 *       new name is always answered, and an unknown service gets a Listener that fails its calls
 *       at once ({@link XdsTranslator#unknownServiceListener}). An xDS server's inbound Listener is
 *       made for its name ({@link InboundListeners}).</li>
 * </ul>
 * Each type has its own version (a hash of its content), so an endpoint change re-sends only
 * endpoints, and publishing an unchanged configuration sends nothing.
 */
@Singleton
public final class XdsCache implements ConfigWatcher, DiscoveryServerCallbacks {
  private static final Logger log = LoggerFactory.getLogger(XdsCache.class);
  static final Duration RETAIN_REMOVED = Duration.ofSeconds(30);
  /** The order in which changes go out: clusters before the routes that use them. */
  private static final List<XdsType> PUBLISH_ORDER =
      List.of(XdsType.CLUSTER, XdsType.ENDPOINT, XdsType.LISTENER, XdsType.ROUTE);

  private final LongSupplier nanoTime;
  /**
   * java-control-plane tells callbacks, not the watcher, which stream a request came on; it calls
   * both on the stream's thread, one right after the other, so the id is handed over here.
   */
  private final ThreadLocal<Long> requestStream = new ThreadLocal<>();
  private final Object lock = new Object();
  private final Map<XdsType, Served> served = new EnumMap<>(XdsType.class);
  private final Map<Long, Map<XdsType, Subscription>> streams = new HashMap<>();
  private final List<OpenWatch> openWatches = new ArrayList<>();
  private boolean published;
  /** What servers' inbound Listeners are made from; its change is a new Listener version. */
  private InboundPolicies inbound = InboundPolicies.ALLOW_ALL;
  private final Map<Message, byte[]> digests = new IdentityHashMap<>();

  @Inject
  public XdsCache() {
    this(System::nanoTime);
  }

  @VisibleForTesting
  XdsCache(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    for (XdsType type : XdsType.values()) {
      served.put(type, new Served("", Map.of(), Map.of()));
    }
  }

  /** What is served of one type: its version, its resources, and removed ones still answered. */
  private record Served(String version, Map<String, Message> current, Map<String, Retired> retired) {}

  private record Retired(Message resource, long removedAtNanos) {}

  /** What one stream was last sent of one type, and the version it rejected, if any. */
  private static final class Subscription {
    Set<String> answeredNames;
    String sentVersion;
    String rejectedVersion;
  }

  private record OpenWatch(long streamId, XdsType type, Watch watch) {}

  /** Makes {@code resources} the configuration served, answering every waiting client it changes. */
  public void publish(XdsResources resources) {
    synchronized (lock) {
      long now = nanoTime.getAsLong();
      List<XdsType> changed = new ArrayList<>();
      for (XdsType type : PUBLISH_ORDER) {
        Map<String, Message> next = Map.copyOf(resources.ofType(type));
        Served previous = served.get(type);
        Map<String, Retired> retired = retired(type, previous, next, now);
        // Retired names count in the version, so that dropping one is sent to those still asking;
        // and the policies count in the Listeners', as inbound Listeners are made from them.
        String version = versionOf(next, retired.keySet(),
            type == XdsType.LISTENER ? resources.inbound().toString() : "");
        if (version.equals(previous.version())) {
          continue;
        }
        served.put(type, new Served(version, next, retired));
        changed.add(type);
      }
      inbound = resources.inbound();
      published = true;
      forgetUnservedDigests();
      for (XdsType type : changed) {
        answerOpenWatches(type);
      }
    }
  }

  /** The version now served for {@code type}, for tests and the admin page. */
  public String version(XdsType type) {
    synchronized (lock) {
      return served.get(type).version();
    }
  }

  private Map<String, Retired> retired(XdsType type, Served previous, Map<String, Message> next, long now) {
    if (type == XdsType.LISTENER) {
      return Map.of(); // a removed service must go at once, so that its callers fail fast
    }
    Map<String, Retired> retired = new HashMap<>(previous.retired());
    previous.current().forEach((name, resource) -> {
      if (!next.containsKey(name)) {
        retired.put(name, new Retired(resource, now));
      }
    });
    retired.keySet().removeAll(next.keySet());
    retired.values().removeIf(r -> now - r.removedAtNanos() > RETAIN_REMOVED.toNanos());
    return Map.copyOf(retired);
  }

  private void answerOpenWatches(XdsType type) {
    for (Iterator<OpenWatch> it = openWatches.iterator(); it.hasNext(); ) {
      OpenWatch open = it.next();
      if (open.type() != type) {
        continue;
      }
      Subscription subscription = subscription(open.streamId(), type);
      if (shouldAnswer(subscription, open.watch().request(), type)) {
        it.remove();
        respond(open.watch(), type, subscription);
      }
    }
  }

  @Override
  public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
      Consumer<Response> responseConsumer, boolean hasClusterChanged, boolean allowDefaultEmptyEdsUpdate) {
    Watch watch = new Watch(ads, allowDefaultEmptyEdsUpdate, request, responseConsumer);
    Long streamId = requestStream.get();
    requestStream.remove();
    XdsType type = XdsType.fromTypeUrl(request.getTypeUrl()).orElse(null);
    if (type == null) {
      log.debug("not serving {}: Fulcrum serves Listeners, Routes, Clusters and Endpoints", request.getTypeUrl());
      return watch; // never answered
    }
    long stream = streamId == null ? -1 : streamId;
    synchronized (lock) {
      Subscription subscription = subscription(stream, type);
      if (request.hasErrorDetail()) {
        rejected(subscription, type, request);
      }
      if (published && shouldAnswer(subscription, request, type)) {
        respond(watch, type, subscription);
      } else {
        OpenWatch open = new OpenWatch(stream, type, watch);
        openWatches.add(open);
        watch.setStop(() -> {
          synchronized (lock) {
            openWatches.remove(open);
          }
        });
      }
    }
    return watch;
  }

  private void rejected(Subscription subscription, XdsType type, XdsRequest request) {
    if (subscription.sentVersion != null && !subscription.sentVersion.equals(subscription.rejectedVersion)) {
      log.warn("node {} rejected {} version {}; it will get the next version: {}",
          request.v3Request().getNode().getId(), type.shortName(), subscription.sentVersion,
          request.v3Request().getErrorDetail().getMessage());
    }
    subscription.rejectedVersion = subscription.sentVersion;
  }

  private boolean shouldAnswer(Subscription subscription, XdsRequest request, XdsType type) {
    Served now = served.get(type);
    if (!Set.copyOf(request.getResourceNamesList()).equals(subscription.answeredNames)) {
      return true; // a new subscription is always answered, even if only to say what does not exist
    }
    if (now.version().equals(subscription.rejectedVersion)) {
      return false;
    }
    return !now.version().equals(request.getVersionInfo());
  }

  private void respond(Watch watch, XdsType type, Subscription subscription) {
    Served now = served.get(type);
    Set<String> names = Set.copyOf(watch.request().getResourceNamesList());
    List<Message> resources = new ArrayList<>();
    if (names.isEmpty() && type.absenceDeletes()) {
      resources.addAll(now.current().values()); // a wildcard subscription
    } else {
      for (String name : names) {
        Message resource = now.current().get(name);
        if (resource == null && now.retired().containsKey(name)) {
          resource = now.retired().get(name).resource();
        }
        if (resource == null && type == XdsType.LISTENER) {
          // An xDS server's own Listener, else a service no Link declares.
          resource = InboundListeners.forName(name, inbound).orElseGet(() -> XdsTranslator.unknownServiceListener(name));
        }
        if (resource != null) {
          resources.add(resource);
        }
      }
    }
    subscription.answeredNames = names;
    subscription.sentVersion = now.version();
    try {
      watch.respond(Response.create(watch.request(), resources, now.version()));
    } catch (WatchCancelledException e) {
      log.debug("watch cancelled before its answer went out");
    }
  }

  private Subscription subscription(long streamId, XdsType type) {
    return streams.computeIfAbsent(streamId, id -> new EnumMap<>(XdsType.class))
        .computeIfAbsent(type, t -> new Subscription());
  }

  private String versionOf(Map<String, Message> resources, Set<String> retired, String alsoMadeFrom) {
    Hasher hasher = Hashing.sha256().newHasher();
    hasher.putString(alsoMadeFrom, StandardCharsets.UTF_8);
    new TreeMap<>(resources).forEach((name, resource) -> {
      hasher.putString(name, StandardCharsets.UTF_8);
      hasher.putBytes(digest(resource));
    });
    new TreeSet<>(retired).forEach(name -> hasher.putString("retired:" + name, StandardCharsets.UTF_8));
    return hasher.hash().toString().substring(0, 16);
  }

  /**
   * A resource's content hash, remembered per object: an unchanged Link's resources are the same
   * objects from one publish to the next (LinkByLinkTranslation), so only changed ones are
   * serialized and hashed. Entries for objects no longer served are dropped at each publish.
   */
  private byte[] digest(Message resource) {
    return digests.computeIfAbsent(resource, r -> Hashing.sha256().hashBytes(r.toByteArray()).asBytes());
  }

  private void forgetUnservedDigests() {
    Set<Message> live = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Served each : served.values()) {
      live.addAll(each.current().values());
    }
    digests.keySet().retainAll(live);
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    requestStream.set(streamId);
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    forget(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    forget(streamId);
  }

  private void forget(long streamId) {
    synchronized (lock) {
      streams.remove(streamId);
      openWatches.removeIf(open -> open.streamId() == streamId);
    }
  }

  @Override
  public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion,
      Map<String, String> resourceVersions, Set<String> pendingResources, boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
    throw new UnsupportedOperationException("Fulcrum serves state-of-the-world xDS; incremental (delta) xDS is not supported");
  }
}
