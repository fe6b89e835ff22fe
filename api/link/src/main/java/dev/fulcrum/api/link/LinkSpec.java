package dev.fulcrum.api.link;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.fulcrum.contract.Strategy;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * What a {@link Link} declares. Fields are kept as users wrote them (strategy and durations as
 * strings) so that validation can name the exact field and value that is wrong. The annotations
 * are the CRD schema's share of that validation: what {@code kubectl apply} can already refuse.
 *
 * @param routes per-method routes, tried in order before the default (the Link's own targets and
 *     policy); each may override the targets and the policy
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinkSpec(
    @Required ServiceRef service,
    @Required @Size(min = 1) List<TargetRef> target,
    @SchemaFrom(type = Strategy.class) String strategy,
    Policy policy,
    List<RouteSpec> routes) {

  public LinkSpec(ServiceRef service, List<TargetRef> target, String strategy, Policy policy) {
    this(service, target, strategy, policy, null);
  }

  /** The authority clients call: {@code name:port}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServiceRef(
      @Required @Pattern(LinkSchema.HOST) @Size(max = LinkSchema.HOST_MAX_LENGTH) String name,
      @Required @Min(1) @Max(65535) Integer port) {}

  /**
   * One set of backends: a host name (or IP) and the port they serve on; with {@code weight}, its
   * share of the traffic relative to the other targets' weights (for canaries); with
   * {@code identity} ({@code NAMESPACE/SERVICEACCOUNT}), a meshed target, its port an inbound
   * sidecar's: reached over mTLS, and its certificate must prove that identity.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TargetRef(
      @Required @Pattern(LinkSchema.HOST) @Size(max = LinkSchema.HOST_MAX_LENGTH) String name,
      @Required @Min(1) @Max(65535) Integer port,
      @Min(0) @Max(1_000_000) Integer weight,
      @Pattern(LinkSchema.IDENTITY) @Size(max = 317) String identity) {

    public TargetRef(String name, Integer port) {
      this(name, port, null, null);
    }

    public TargetRef(String name, Integer port, Integer weight) {
      this(name, port, weight, null);
    }
  }

  /**
   * Calls to {@code method} ({@code /pkg.Service/Method}, or {@code /pkg.Service/*} for every method
   * of a service) go to this route's targets under its policy; either left out means the Link's.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RouteSpec(
      @Required @Pattern(LinkSchema.METHOD) String method,
      @Size(min = 1) List<TargetRef> target,
      Policy policy) {}
}
