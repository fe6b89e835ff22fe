package dev.fulcrum.controlplane.dashboard;

/**
 * A proxy the dashboard polls.
 *
 * @param name how it is known: where the source sees it run ({@code namespace/pod} in Kubernetes),
 *     else the xDS node id it introduced itself with
 * @param admin its admin endpoint, {@code host:port}
 */
public record ConnectedProxy(String name, String admin) {}
