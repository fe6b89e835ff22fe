package dev.fulcrum.controlplane.xds;

import io.envoyproxy.controlplane.cache.Resources;
import java.util.Arrays;
import java.util.Optional;

/** The four xDS resource types Fulcrum serves, in the order a client needs them. */
public enum XdsType {
  LISTENER(Resources.V3.LISTENER_TYPE_URL, "LDS"),
  ROUTE(Resources.V3.ROUTE_TYPE_URL, "RDS"),
  CLUSTER(Resources.V3.CLUSTER_TYPE_URL, "CDS"),
  ENDPOINT(Resources.V3.ENDPOINT_TYPE_URL, "EDS");

  private final String typeUrl;
  private final String shortName;

  XdsType(String typeUrl, String shortName) {
    this.typeUrl = typeUrl;
    this.shortName = shortName;
  }

  public String typeUrl() {
    return typeUrl;
  }

  public String shortName() {
    return shortName;
  }

  /**
   * In the state-of-the-world protocol a Listener or Cluster left out of a response is deleted by
   * the client; a Route or Endpoint resource left out is merely not updated.
   */
  boolean absenceDeletes() {
    return this == LISTENER || this == CLUSTER;
  }

  public static Optional<XdsType> fromTypeUrl(String typeUrl) {
    return Arrays.stream(values()).filter(t -> t.typeUrl.equals(typeUrl)).findFirst();
  }
}
