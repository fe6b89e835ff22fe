package dev.fulcrum.controlplane.source;

/**
 * A proxy a source can see where it runs (in Kubernetes: an injected pod), whichever control plane
 * replica its ADS stream went to.
 *
 * @param name how the dashboard shows it ({@code namespace/pod})
 * @param admin its admin endpoint, {@code host:port}
 */
public record KnownProxy(String name, String admin) {}
