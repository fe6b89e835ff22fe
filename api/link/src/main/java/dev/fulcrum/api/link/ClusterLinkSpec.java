package dev.fulcrum.api.link;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * What a {@link ClusterLink} declares. Kept as written (strings), as a Link's spec is, so that
 * validation names the exact field and value that is wrong; the annotations are what
 * {@code kubectl apply} can already refuse.
 *
 * @param gateway absent for a link whose Services are all mirrored pod to pod (flat mode)
 * @param probe how the gateway is probed; absent: {@link Probe#DEFAULT_PATH} on the gateway's
 *     admin port every {@link Probe#DEFAULT_PERIOD}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterLinkSpec(
    @Required ClusterRef cluster,
    @Required Credentials credentials,
    GatewayRef gateway,
    Probe probe) {

  /**
   * The remote cluster: {@code name} (a DNS label) suffixes its mirrored Services
   * ({@code NAME-CLUSTER}); {@code domain} is its cluster domain, {@code cluster.local} if absent.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ClusterRef(
      @Required @Pattern(LinkSchema.DNS_LABEL) @Size(max = ClusterRef.MAX_NAME) String name,
      @Pattern(LinkSchema.HOST) @Size(max = LinkSchema.HOST_MAX_LENGTH) String domain) {
    /** Mirrors are named {@code SERVICE-CLUSTER}, at most 63 characters: this leaves a Service room for a name. */
    public static final int MAX_NAME = 40;
    public static final String DEFAULT_DOMAIN = "cluster.local";
  }

  /**
   * The Secret, in the ClusterLink's namespace, whose {@code key} ({@link #DEFAULT_KEY} if absent)
   * holds a kubeconfig for the remote API server, with read access to Services and EndpointSlices
   * only (deploy/multicluster/remote-access.yaml).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Credentials(
      @Required @Pattern(LinkSchema.HOST) @Size(max = LinkSchema.HOST_MAX_LENGTH) String secret,
      @Pattern("^[-._a-zA-Z0-9]+$") @Size(max = LinkSchema.HOST_MAX_LENGTH) String key) {
    public static final String DEFAULT_KEY = "kubeconfig";
  }

  /**
   * The remote cluster's gateway: where other clusters' proxies reach it ({@code address}, a DNS
   * name or IPv4 address, and {@code port}), and the identity it must prove
   * ({@code NAMESPACE/SERVICEACCOUNT}, under the shared trust anchor).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record GatewayRef(
      @Required @Pattern(LinkSchema.HOST) @Size(max = LinkSchema.HOST_MAX_LENGTH) String address,
      @Required @Min(1) @Max(65535) Integer port,
      @Required @Pattern(LinkSchema.IDENTITY) @Size(max = 317) String identity) {}

  /** The gateway's probe: an HTTP GET of {@code path} on {@code port}, every {@code period}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Probe(
      @Pattern("^/.*$") @Size(max = 1024) String path,
      @Min(1) @Max(65535) Integer port,
      @Pattern(LinkSchema.DURATION) String period) {
    public static final String DEFAULT_PATH = "/ready";
    public static final String DEFAULT_PERIOD = "3s";
  }
}
