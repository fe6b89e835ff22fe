package dev.fulcrum.dataplane.balance;

import java.util.function.LongSupplier;

/**
 * Linkerd's retry budget: over the last {@link #WINDOW_SECONDS} seconds, retries may add at most
 * {@code ratio} of the calls made, plus {@code minPerSecond} a second, so that retries cannot
 * multiply an outage. Counted per second in a ring of buckets.
 */
final class RetryBudget {
  static final int WINDOW_SECONDS = 10;

  private final double ratio;
  private final int minPerSecond;
  private final LongSupplier nanoTime;
  private final long[] calls = new long[WINDOW_SECONDS];
  private final long[] retries = new long[WINDOW_SECONDS];
  private final long[] bucketSecond = new long[WINDOW_SECONDS];

  RetryBudget(double ratio, int minPerSecond, LongSupplier nanoTime) {
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.nanoTime = nanoTime;
  }

  /** A first attempt: it earns a fraction of a retry. */
  synchronized void recordCall() {
    calls[bucket()]++;
  }

  /** Whether a retry may go out now; if so it is counted against the budget. */
  synchronized boolean tryRetry() {
    int now = bucket();
    long second = bucketSecond[now];
    long callsInWindow = 0;
    long retriesInWindow = 0;
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      if (second - bucketSecond[i] < WINDOW_SECONDS) {
        callsInWindow += calls[i];
        retriesInWindow += retries[i];
      }
    }
    if (retriesInWindow + 1 > ratio * callsInWindow + (double) minPerSecond * WINDOW_SECONDS) {
      return false;
    }
    retries[now]++;
    return true;
  }

  /** The current second's bucket, cleared of what it held a window ago. */
  private int bucket() {
    long second = nanoTime.getAsLong() / 1_000_000_000L;
    int index = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
    if (bucketSecond[index] != second) {
      bucketSecond[index] = second;
      calls[index] = 0;
      retries[index] = 0;
    }
    return index;
  }
}
