package dev.fulcrum.controlplane.multicluster;

import io.fabric8.kubernetes.client.Config;
import java.time.Duration;
import java.util.Optional;

/**
 * A valid {@code ClusterLink}, with its credentials read: what the mirror needs to watch the
 * remote cluster and to point mirrors at its gateway.
 *
 * @param link the ClusterLink, {@code namespace/name}
 * @param name the remote cluster's name, which suffixes its mirrors ({@code SERVICE-NAME})
 * @param domain the remote cluster's domain
 * @param apiServer how to reach the remote API server, as the Secret's kubeconfig says
 * @param gateway the remote gateway; empty for a link without one (flat mode only)
 */
public record RemoteCluster(String link, String name, String domain, Config apiServer, Optional<Gateway> gateway) {

  /**
   * The remote gateway: where it is, the identity it must prove ({@code NAMESPACE/SERVICEACCOUNT})
   * and its probe ({@code probePath} on {@code probePort}, every {@code probePeriod}).
   */
  public record Gateway(String address, int port, String identity, String probePath, int probePort, Duration probePeriod) {}
}
