package dev.fulcrum.dataplane.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.fulcrum.contract.NodeMetadata;
import dev.fulcrum.contract.identity.MeshTls;
import dev.fulcrum.dataplane.identity.WorkloadIdentity;
import dev.fulcrum.dataplane.ProxyConfig;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;
import javax.inject.Inject;

/**
 * Points grpc-xds at the control plane. grpc-xds reads its bootstrap once per JVM, from the system
 * property set here, so this must run before the first {@code xds:} channel is made, and one JVM
 * can serve only one control plane.
 */
public final class XdsBootstrap {
  static final String PROPERTY = "io.grpc.xds.bootstrapConfig";
  private static final String CLUSTER = "fulcrum-proxy";

  private final ProxyConfig config;
  private final Optional<WorkloadIdentity> identity;

  @Inject
  public XdsBootstrap(ProxyConfig config, Optional<WorkloadIdentity> identity) {
    this.config = config;
    this.identity = identity;
  }

  /** The bootstrap JSON for this proxy, whose admin endpoint is on {@code adminPort}. */
  public String json(int adminPort) {
    return render(config.xdsServer(), config.nodeId(), CLUSTER, json(metadata(adminPort).toStruct()),
        identity.map(id -> id.files().dir()));
  }

  /**
   * The node the bootstrap names, as the proxy's own xDS streams (the inbound policy's) introduce
   * it: the same id and metadata, so the control plane sees one proxy.
   */
  public Node node(int adminPort) {
    return Node.newBuilder()
        .setId(config.nodeId())
        .setCluster(CLUSTER)
        .setMetadata(metadata(adminPort).toStruct())
        .build();
  }

  private NodeMetadata metadata(int adminPort) {
    return new NodeMetadata(
        advertised(config.listenAddress()) + ":" + config.listenAddress().getPort(),
        advertised(config.adminAddress()) + ":" + adminPort);
  }

  /**
   * A proxyless application's bootstrap: the control plane, and with {@code certificates}, the
   * certificate provider reading them and the Listener names its xDS servers ask for.
   */
  public static String proxyless(String xdsServer, String nodeId, Optional<Path> certificates) {
    return render(xdsServer, nodeId, "fulcrum-proxyless", "{}", certificates);
  }

  private static String render(String xdsServer, String nodeId, String cluster, String metadata,
      Optional<Path> certificates) {
    String security = certificates.map(dir -> ",\n" + MeshTls.certificateProvidersJson(dir)
        + ",\n\"server_listener_resource_name_template\": \"" + MeshTls.SERVER_LISTENER_TEMPLATE + "\"").orElse("");
    return """
        {
          "xds_servers": [{
            "server_uri": "%s",
            "channel_creds": [{"type": "insecure"}],
            "server_features": ["xds_v3"]
          }],
          "node": {
            "id": "%s",
            "cluster": "%s",
            "metadata": %s
          }%s
        }
        """.formatted(xdsServer, nodeId, cluster, metadata, security);
  }

  private static String json(Struct struct) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(struct);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a Struct of strings always prints", e);
    }
  }

  /**
   * The host others reach a bound address at: the address itself, or for a wildcard (0.0.0.0) this
   * machine's own address (in Kubernetes, the pod's IP), so that the control plane can reach it.
   */
  static String advertised(InetSocketAddress address) {
    if (address.getAddress() == null || !address.getAddress().isAnyLocalAddress()) {
      return address.getHostString();
    }
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      return address.getHostString();
    }
  }

  /** Installs the bootstrap; fails if this JVM already uses a different one. */
  public void install(int adminPort) {
    String json = json(adminPort);
    synchronized (System.class) {
      String existing = System.getProperty(PROPERTY);
      if (existing != null && !existing.equals(json)) {
        throw new IllegalStateException(
            "this JVM's grpc-xds is already bootstrapped for another proxy; run each proxy in its own process");
      }
      System.setProperty(PROPERTY, json);
    }
  }
}
