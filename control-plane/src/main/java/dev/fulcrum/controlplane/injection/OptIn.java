package dev.fulcrum.controlplane.injection;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a pod came to the webhook. A webhook cannot see its pod's namespace labels without asking
 * the API server, so the MutatingWebhookConfiguration sorts pods by namespace label and sends each
 * kind to a path of its own.
 */
public enum OptIn {
  /** Any namespace not labelled for injection: only pods annotated {@code fulcrum.io/inject: enabled}. */
  POD("/inject"),
  /** A namespace labelled {@code fulcrum.io/inject=enabled}: every pod not annotated {@code disabled}. */
  NAMESPACE("/inject/namespace");

  private final String path;

  OptIn(String path) {
    this.path = path;
  }

  /** The webhook's path for these pods, as the MutatingWebhookConfiguration names it. */
  public String path() {
    return path;
  }

  public static Optional<OptIn> forPath(String path) {
    return Arrays.stream(values()).filter(optIn -> optIn.path.equals(path)).findFirst();
  }
}
