package dev.fulcrum.api.link;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinkSpec(
    @Required ServiceRef service,
    @Required @Size(min = 1) List<TargetRef> target,
    @SchemaFrom(type = LinkSchema.StrategyName.class) String strategy,
    Policy policy) {

  /** The authority clients call: {@code name:port}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServiceRef(
      @Required @Pattern(LinkSchema.HOST) @Size(max = LinkSchema.HOST_MAX_LENGTH) String name,
      @Required @Min(1) @Max(65535) Integer port) {}

  /** One set of backends: a host name (or IP) and the port they serve on. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TargetRef(
      @Required @Pattern(LinkSchema.HOST) @Size(max = LinkSchema.HOST_MAX_LENGTH) String name,
      @Required @Min(1) @Max(65535) Integer port) {}
}
