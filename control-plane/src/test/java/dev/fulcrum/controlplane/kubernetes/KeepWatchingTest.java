package dev.fulcrum.controlplane.kubernetes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** The mock API server never answers 410 Gone nor drops a watch on its own: the policy is tested here. */
class KeepWatchingTest {
  private final KeepWatching policy = new KeepWatching("Link");

  @Test
  void onceStartedEveryFailureIsRetried() {
    KubernetesClientException gone = new KubernetesClientException(new StatusBuilder().withCode(410).withReason("Gone").build());
    assertTrue(policy.retryAfterException(true, new WatcherException("too old resource version", gone)));
    assertTrue(policy.retryAfterException(true, gone));
    assertTrue(policy.retryAfterException(true, new ConnectException("Connection refused")));
    assertTrue(policy.retryAfterException(true, new KubernetesClientException("Forbidden", 403, null)));
    assertTrue(policy.retryAfterException(true, new IOException("stream reset")));
  }

  @Test
  void aFailedFirstListingFailsStart() {
    assertFalse(policy.retryAfterException(false, new KubernetesClientException("Not Found", 404, null)));
    assertFalse(policy.retryAfterException(false, new ConnectException("Connection refused")));
  }
}
