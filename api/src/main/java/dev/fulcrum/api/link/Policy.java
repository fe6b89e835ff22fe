package dev.fulcrum.api.link;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;

/** A {@link Link}'s request policy: how long a call may take and which failures are retried. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Policy(
    @JsonProperty("request-timeout") @Pattern(LinkSchema.DURATION) String requestTimeout,
    @JsonProperty("retry-on") @SchemaFrom(type = LinkSchema.RetryOnName[].class) List<String> retryOn) {}
