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
 * What an {@link Authorization} declares: the workloads it protects, whether it refuses or only
 * counts, and the rules a call must match one of. Kept as written (strings), so that validation
 * names the exact field and value that is wrong; the annotations are what {@code kubectl apply}
 * can already refuse.
 *
 * @param mode {@code enforce} (the default) or {@code audit}: count and log what would be refused,
 *     refuse nothing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthorizationSpec(
    @Required ServerRef server,
    @SchemaFrom(type = LinkSchema.AuthorizationModeName.class) String mode,
    @Required @Size(min = 1) List<Rule> rules) {

  /** The workloads protected: those proving {@code identity} ({@code NAMESPACE/SERVICEACCOUNT}); with a port, that inbound port alone. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServerRef(
      @Required @Pattern(LinkSchema.IDENTITY) @Size(max = 317) String identity,
      @Min(1) @Max(65535) Integer port) {}

  /** Calls from {@code from} to one of {@code methods} ({@code /pkg.Service/Method}, {@code /pkg.Service/*}, or {@code *}). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Rule(@Required From from, @Required @Size(min = 1) List<String> methods) {}

  /**
   * The callers a rule admits: mesh identities ({@code NAMESPACE/SERVICEACCOUNT}, {@code NAMESPACE/*}
   * for a namespace's, {@code *} for any), and with {@code unauthenticated: true} plaintext callers
   * too (a permissive inbound side's).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record From(List<String> identities, Boolean unauthenticated) {}
}
