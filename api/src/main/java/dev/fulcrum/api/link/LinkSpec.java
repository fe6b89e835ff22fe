package dev.fulcrum.api.link;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a {@link Link} declares. Fields are kept as users wrote them (strategy and durations as
 * strings) so that validation can name the exact field and value that is wrong.
 *
 * @param routes per-method routes, tried in order before the default (the Link's own targets and
 *     policy); each may override the targets and the policy
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinkSpec(
    ServiceRef service, List<TargetRef> target, String strategy, Policy policy, List<RouteSpec> routes) {

  public LinkSpec(ServiceRef service, List<TargetRef> target, String strategy, Policy policy) {
    this(service, target, strategy, policy, null);
  }

  /** The authority clients call: {@code name:port}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServiceRef(String name, Integer port) {}

  /**
   * One set of backends: a host name (or IP) and the port they serve on; with {@code weight}, its
   * share of the traffic relative to the other targets' weights (for canaries).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TargetRef(String name, Integer port, Integer weight) {
    public TargetRef(String name, Integer port) {
      this(name, port, null);
    }
  }

  /**
   * Calls to {@code method} ({@code /pkg.Service/Method}, or {@code /pkg.Service/*} for every method
   * of a service) go to this route's targets under its policy; either left out means the Link's.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RouteSpec(String method, List<TargetRef> target, Policy policy) {}
}
