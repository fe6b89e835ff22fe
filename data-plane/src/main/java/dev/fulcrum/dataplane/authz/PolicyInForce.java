package dev.fulcrum.dataplane.authz;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The inbound policy in force: none until the control plane's first, then always the last good
 * one. Nothing here ever goes back to none, so neither a bad Listener nor a lost control plane
 * opens or closes the inbound side.
 */
@Singleton
public final class PolicyInForce {
  private final CountDownLatch first = new CountDownLatch(1);
  private volatile Applied applied;

  /** A policy and the version the control plane gave it. */
  private record Applied(String version, InboundPolicy policy) {}

  @Inject
  public PolicyInForce() {}

  /** Puts {@code policy} in force for the calls that start from now on. */
  public void apply(String version, InboundPolicy policy) {
    applied = new Applied(version, policy);
    first.countDown();
  }

  /** The policy in force; empty until the first one arrived. */
  public Optional<InboundPolicy> current() {
    Applied now = applied;
    return now == null ? Optional.empty() : Optional.of(now.policy());
  }

  /** The version in force, or empty before the first. */
  public String version() {
    Applied now = applied;
    return now == null ? "" : now.version();
  }

  public boolean received() {
    return first.getCount() == 0;
  }

  /** Waits up to {@code timeout} for the first policy; whether it came. */
  public boolean awaitFirst(Duration timeout) throws InterruptedException {
    return first.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
