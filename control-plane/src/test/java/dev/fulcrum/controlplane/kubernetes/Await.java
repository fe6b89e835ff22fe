package dev.fulcrum.controlplane.kubernetes;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for what informers see to catch up with what the mock API server was told. */
final class Await {
  private Await() {}

  static void until(Supplier<Boolean> condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Boolean.TRUE.equals(condition.get())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(10);
    }
  }
}
