package dev.fulcrum.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until it holds or time runs out; a condition is never checked after its
 * deadline. Every module's tests wait with it (the contract's test jar).
 */
public final class Await {
  private Await() {}

  public static void until(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline <= 0) {
      if (condition.getAsBoolean()) {
        return;
      }
      // The poll interval, shortened so that the last check falls just before the deadline.
      Thread.sleep(Math.max(1, Math.min(10, (deadline - System.nanoTime()) / 1_000_000)));
    }
    throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
  }
}
