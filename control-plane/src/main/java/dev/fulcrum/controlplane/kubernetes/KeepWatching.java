package dev.fulcrum.controlplane.kubernetes;

import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an informer does when listing or watching fails. Once it has listed everything, it never
 * gives up: a dropped connection, an API server restart or any error is retried with the
 * informer's backoff (a {@code 410 Gone} makes it re-list by itself), while the control plane
 * serves the last state seen. A failure of the very first listing is not retried, so that
 * starting fails with a clear message instead of waiting on a missing CRD or a denied account.
 */
public final class KeepWatching implements ExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(KeepWatching.class);
  private final String resource;

  public KeepWatching(String resource) {
    this.resource = resource;
  }

  @Override
  public boolean retryAfterException(boolean started, Throwable error) {
    if (started) {
      log.warn("watching {} failed ({}); retrying, and serving the last state seen meanwhile", resource, error.toString());
    }
    return started;
  }
}
