package dev.fulcrum.api.link;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The rules the CRD's OpenAPI schema enforces at {@code kubectl apply}, in one place. The control
 * plane validates the same fields again (files are not checked by an API server) with messages of
 * its own; its tests check that these enums list exactly the names it accepts.
 */
public final class LinkSchema {
  /**
   * A lower-case DNS name (RFC 1123) or an IPv4 address. The API server compiles patterns as Go
   * (RE2) expressions, without look-ahead: the length limit is {@link #HOST_MAX_LENGTH}.
   */
  public static final String HOST = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  public static final int HOST_MAX_LENGTH = 253;
  /** A DNS label (RFC 1123): a cluster's name, which suffixes its mirrored Services' names. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  /** A gRPC method path, {@code /pkg.Service/Method}, or {@code /pkg.Service/*} for a whole service. */
  public static final String METHOD = "^/[A-Za-z_][A-Za-z0-9_.]*/([A-Za-z_][A-Za-z0-9_]*|\\*)$";
  /**
   * A workload identity as people write it, {@code NAMESPACE/SERVICEACCOUNT}: a DNS label, a slash,
   * a DNS subdomain (the SpiffeId rules, which the control plane checks again).
   */
  public static final String IDENTITY = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";
  /** A percentage from 0% to 100%. */
  public static final String PERCENT = "^(100|[0-9]{1,2})(\\.[0-9]+)?%$";
  /** A Go-style duration: {@code 5s}, {@code 250ms}, {@code 1m30s}. */
  public static final String DURATION = "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$";

  private LinkSchema() {}

  /** An {@code Authorization}'s {@code spec.mode}. */
  public enum AuthorizationModeName {
    @JsonProperty("enforce") ENFORCE,
    @JsonProperty("audit") AUDIT
  }

  /** The schema of each {@code spec.policy.retry-on} entry. */
  public enum RetryOnName {
    @JsonProperty("cancelled") CANCELLED,
    @JsonProperty("deadline-exceeded") DEADLINE_EXCEEDED,
    @JsonProperty("internal") INTERNAL,
    @JsonProperty("resource-exhausted") RESOURCE_EXHAUSTED,
    @JsonProperty("unavailable") UNAVAILABLE
  }
}
