package dev.fulcrum.controlplane.kubernetes;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits for what informers see to catch up with what the mock API server was told; a condition is
 * never checked after its deadline.
 */
final class Await {
  private Await() {}

  static void until(Supplier<Boolean> condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline <= 0) {
      if (Boolean.TRUE.equals(condition.get())) {
        return;
      }
      // The poll interval, shortened so that the last check falls just before the deadline.
      Thread.sleep(Math.max(1, Math.min(10, (deadline - System.nanoTime()) / 1_000_000)));
    }
    throw new AssertionError("timed out waiting for: " + what);
  }
}
