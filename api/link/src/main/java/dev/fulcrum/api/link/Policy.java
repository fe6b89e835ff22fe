package dev.fulcrum.api.link;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;

/**
 * A {@link Link}'s request policy: how long a call may take, which failures are retried, how many
 * times, and how much extra load retries may add (the retry budget, a percentage such as
 * {@code 20%}: Link-wide, so only on the Link's own policy).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Policy(
    @JsonProperty("request-timeout") @Pattern(LinkSchema.DURATION) String requestTimeout,
    @JsonProperty("retry-on") @SchemaFrom(type = LinkSchema.RetryOnName[].class) List<String> retryOn,
    @Min(0) @Max(10) Integer retries,
    @JsonProperty("retry-budget") @Pattern(LinkSchema.PERCENT) String retryBudget) {

  public Policy(String requestTimeout, List<String> retryOn) {
    this(requestTimeout, retryOn, null, null);
  }

  public Policy(String requestTimeout, List<String> retryOn, Integer retries) {
    this(requestTimeout, retryOn, retries, null);
  }
}
