package dev.fulcrum.dataplane.telemetry;

/**
 * Which of a warning's repeats are logged: the first of its kind, then every {@value #EVERY}th, so
 * that a peer failing every call does not flood the log (the metrics count them all).
 */
public final class RepeatedWarnings {
  public static final int EVERY = 100;

  private RepeatedWarnings() {}

  /** Whether the {@code occurrence}th warning of its kind (from 1) is logged. */
  public static boolean logs(long occurrence) {
    return (occurrence - 1) % EVERY == 0;
  }
}
