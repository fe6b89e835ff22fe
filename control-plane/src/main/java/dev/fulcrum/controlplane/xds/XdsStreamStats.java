package dev.fulcrum.controlplane.xds;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;
import javax.inject.Inject;
import javax.inject.Singleton;

/** Counts what the ADS server does: open streams, responses and rejections (NACKs) per type. */
@Singleton
public final class XdsStreamStats implements DiscoveryServerCallbacks {
  private final AtomicInteger openStreams = new AtomicInteger();
  private final Map<XdsType, AtomicLong> responses = counters();
  private final Map<XdsType, AtomicLong> rejections = counters();

  @Inject
  public XdsStreamStats() {}

  private static Map<XdsType, AtomicLong> counters() {
    Map<XdsType, AtomicLong> counters = new EnumMap<>(XdsType.class);
    for (XdsType type : XdsType.values()) {
      counters.put(type, new AtomicLong());
    }
    return counters;
  }

  public int openStreams() {
    return openStreams.get();
  }

  public long responses(XdsType type) {
    return responses.get(type).get();
  }

  public long totalResponses() {
    return responses.values().stream().mapToLong(AtomicLong::get).sum();
  }

  public long rejections(XdsType type) {
    return rejections.get(type).get();
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    openStreams.incrementAndGet();
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    openStreams.decrementAndGet();
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    openStreams.decrementAndGet();
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    if (request.hasErrorDetail()) {
      XdsType.fromTypeUrl(request.getTypeUrl()).ifPresent(type -> rejections.get(type).incrementAndGet());
    }
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}

  @Override
  public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    XdsType.fromTypeUrl(response.getTypeUrl()).ifPresent(type -> responses.get(type).incrementAndGet());
  }
}
