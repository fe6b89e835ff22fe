package dev.fulcrum.dataplane.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.fulcrum.contract.NodeMetadata;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.authz.InboundListenerName;
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
        identity.map(id -> ",\n" + MeshTls.certificateProvidersJson(id.files().dir())).orElse(""));
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
   * A proxyless application's bootstrap: the control plane; and for a workload with an identity, the
   * certificate provider reading its certificate from {@code server}'s directory and the Listener
   * names its xDS servers ask for, which carry its identity and its own default policy.
   */
  public static String proxyless(String xdsServer, String nodeId, Optional<ProxylessServer> server) {
    return render(xdsServer, nodeId, "fulcrum-proxyless", "{}", server.map(s -> ",\n"
        + MeshTls.certificateProvidersJson(s.certificates())
        + ",\n\"server_listener_resource_name_template\": \""
        + InboundListenerName.template(Optional.of(s.identity()), s.defaultPolicy()) + "\"").orElse(""));
  }

  /**
   * A proxyless workload's server side: where its certificate is kept, its identity
   * ({@code NAMESPACE/SERVICEACCOUNT}) and its own default authorization policy, if any.
   */
  public record ProxylessServer(Path certificates, String identity, Optional<DefaultInboundPolicy> defaultPolicy) {}

  private static String render(String xdsServer, String nodeId, String cluster, String metadata, String security) {
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
