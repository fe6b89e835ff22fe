package dev.fulcrum.api.link;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a {@link Link} declares. Fields are kept as users wrote them (strategy and durations as
 * strings) so that validation can name the exact field and value that is wrong.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinkSpec(ServiceRef service, List<TargetRef> target, String strategy, Policy policy) {

  /** The authority clients call: {@code name:port}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServiceRef(String name, Integer port) {}

  /** One set of backends: a host name (or IP) and the port they serve on. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TargetRef(String name, Integer port) {}
}
