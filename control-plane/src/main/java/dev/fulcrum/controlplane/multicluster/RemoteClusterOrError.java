package dev.fulcrum.controlplane.multicluster;

/**
 * The result of validating one ClusterLink, as a value (grpc-java's ConfigOrError): the remote
 * cluster, or a message naming the ClusterLink and each field that is wrong.
 */
public record RemoteClusterOrError(RemoteCluster cluster, String error) {

  public static RemoteClusterOrError of(RemoteCluster cluster) {
    return new RemoteClusterOrError(cluster, null);
  }

  public static RemoteClusterOrError error(String error) {
    return new RemoteClusterOrError(null, error);
  }

  public boolean isValid() {
    return cluster != null;
  }
}
