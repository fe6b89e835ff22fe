package dev.fulcrum.api.link;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A {@link Link}'s request policy: how long a call may take, which failures are retried and how
 * many times.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Policy(
    @JsonProperty("request-timeout") String requestTimeout,
    @JsonProperty("retry-on") List<String> retryOn,
    Integer retries) {

  public Policy(String requestTimeout, List<String> retryOn) {
    this(requestTimeout, retryOn, null);
  }
}
