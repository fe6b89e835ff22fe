package dev.fulcrum.controlplane.dashboard;

/**
 * A proxy connected over ADS.
 *
 * @param nodeId the xDS node id it introduced itself with
 * @param admin its admin endpoint, {@code host:port}, from the node metadata
 */
public record ConnectedProxy(String nodeId, String admin) {}
