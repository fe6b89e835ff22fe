package dev.fulcrum.tools.multicluster;

import dev.fulcrum.api.link.ClusterLink;
import dev.fulcrum.api.link.ClusterLinkSpec;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code fulcrum multicluster link} prints for the linking cluster: a Secret holding a
 * kubeconfig that reads the remote cluster as its mirror account, and the {@link ClusterLink}
 * naming it. Nothing else: applying these two is all linking takes.
 *
 * @param cluster the remote cluster's name
 * @param namespace where the linking cluster's control plane runs
 * @param server the remote API server's URL
 * @param certificateAuthority the remote API server's CA bundle, base64 (as the token Secret holds it)
 * @param token the mirror account's token
 */
record LinkManifest(String cluster, String namespace, String server, String certificateAuthority, String token,
                    String domain, Optional<ClusterLinkSpec.GatewayRef> gateway) {
  static final String LINK_LABEL = "multicluster.fulcrum.io/cluster";

  /** The kubeconfig in the Secret: one cluster, one user (the token), one context. */
  String kubeconfig() {
    return Serialization.asYaml(new ConfigBuilder()
        .withApiVersion("v1").withKind("Config")
        .addNewCluster().withName(cluster)
          .withNewCluster().withServer(server).withCertificateAuthorityData(certificateAuthority).endCluster()
        .endCluster()
        .addNewUser().withName(ClusterLink.MIRROR_ACCOUNT).withNewUser().withToken(token).endUser().endUser()
        .addNewContext().withName(cluster)
          .withNewContext().withCluster(cluster).withUser(ClusterLink.MIRROR_ACCOUNT).endContext()
        .endContext()
        .withCurrentContext(cluster)
        .build());
  }

  Secret secret() {
    return new SecretBuilder()
        .withMetadata(metadata(ClusterLink.credentialsSecret(cluster)))
        .withType("Opaque")
        .withStringData(Map.of(ClusterLinkSpec.Credentials.DEFAULT_KEY, kubeconfig()))
        .build();
  }

  ClusterLink clusterLink() {
    ClusterLink link = new ClusterLink();
    link.setMetadata(metadata(cluster));
    link.setSpec(new ClusterLinkSpec(new ClusterLinkSpec.ClusterRef(cluster, domain),
        new ClusterLinkSpec.Credentials(ClusterLink.credentialsSecret(cluster), ClusterLinkSpec.Credentials.DEFAULT_KEY),
        gateway.orElse(null), null));
    return link;
  }

  /** The two documents, Secret first (the ClusterLink names it). */
  String yaml() {
    return Serialization.asYaml(secret()) + Serialization.asYaml(clusterLink());
  }

  /** What to delete to unlink: the same two objects, by name. */
  static String unlinkYaml(String cluster, String namespace) {
    Secret secret = new SecretBuilder().withMetadata(new ObjectMetaBuilder()
        .withName(ClusterLink.credentialsSecret(cluster)).withNamespace(namespace).build()).build();
    ClusterLink link = new ClusterLink();
    link.setMetadata(new ObjectMetaBuilder().withName(cluster).withNamespace(namespace).build());
    return Serialization.asYaml(secret) + Serialization.asYaml(link);
  }

  private ObjectMeta metadata(String name) {
    return new ObjectMetaBuilder().withName(name).withNamespace(namespace)
        .withLabels(Map.of(LINK_LABEL, cluster, "app.kubernetes.io/part-of", "fulcrum")).build();
  }
}
