package dev.fulcrum.contract;

/** Bounds both planes must agree on: what the control plane accepts, the proxy must allow. */
public final class Limits {
  /** The most retries a Link may ask for per call ({@code spec.policy.retries}). */
  public static final int MAX_RETRIES = 10;
  /** Retries when a Link lists retry-on codes but no number. */
  public static final int DEFAULT_RETRIES = 2;
  /** Attempts a proxy's channel must allow: the call and every retry (grpc caps them at 5 otherwise). */
  public static final int MAX_ATTEMPTS = MAX_RETRIES + 1;

  private Limits() {}
}
