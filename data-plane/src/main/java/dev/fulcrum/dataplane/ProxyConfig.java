package dev.fulcrum.dataplane;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * How one proxy runs.
 *
 * @param listenAddress where applications send their calls (loopback by default, like a sidecar)
 * @param xdsServer the control plane's ADS address, {@code host:port}
 * @param service when set, every call goes to this service ({@code name:port}); otherwise each
 *     call goes to the service its {@code :authority} names
 * @param maxMessageBytes the largest message passed through, each way
 * @param nodeId how this proxy introduces itself to the control plane
 */
public record ProxyConfig(
    InetSocketAddress listenAddress,
    String xdsServer,
    Optional<String> service,
    int maxMessageBytes,
    String nodeId) {

  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
}
