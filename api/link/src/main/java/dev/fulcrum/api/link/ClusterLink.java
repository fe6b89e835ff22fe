package dev.fulcrum.api.link;

import dev.fulcrum.contract.ProxyFlags;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The {@code ClusterLink} resource: another cluster whose exported Services this cluster mirrors,
 * how to reach its API server (a Secret's kubeconfig) and its gateway, and how to probe the
 * gateway. In the Link's group; the CRD in {@code deploy/crds/} is generated from this class.
 * {@code fulcrum multicluster link} prints one, with its Secret.
 */
@Group(Link.GROUP)
@Version(Link.VERSION)
@Kind("ClusterLink")
@Plural("clusterlinks")
@AdditionalPrinterColumn(name = "Cluster", jsonPath = ".spec.cluster.name")
@AdditionalPrinterColumn(name = "Gateway", jsonPath = ".spec.gateway.address")
@AdditionalPrinterColumn(name = "Accepted", jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ClusterLink extends CustomResource<ClusterLinkSpec, ClusterLinkStatus> implements Namespaced {
  /** In a linked cluster, the account its mirrors read as (deploy/multicluster/remote-access.yaml). */
  public static final String MIRROR_ACCOUNT = "fulcrum-mirror";
  /** That account's long-lived token, which {@code fulcrum multicluster link} puts in its kubeconfig. */
  public static final String MIRROR_TOKEN_SECRET = "fulcrum-mirror-token";
  /** The gateway's Service in each cluster, whose load balancer other clusters reach. */
  public static final String GATEWAY_SERVICE = "fulcrum-gateway";
  /** The gateway's identity ({@code NAMESPACE/SERVICEACCOUNT}) where Fulcrum runs in {@code fulcrum-system}. */
  public static final String DEFAULT_GATEWAY_IDENTITY = "fulcrum-system/fulcrum-gateway";
  /** The gateway's port: the inbound side's. */
  public static final int DEFAULT_GATEWAY_PORT = ProxyFlags.DEFAULT_INBOUND_PORT;

  /** The Secret holding the kubeconfig for the cluster {@code cluster}. */
  public static String credentialsSecret(String cluster) {
    return "cluster-credentials-" + cluster;
  }
}
