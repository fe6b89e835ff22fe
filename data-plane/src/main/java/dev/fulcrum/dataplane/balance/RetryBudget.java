package dev.fulcrum.dataplane.balance;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Linkerd's retry budget: over the last {@link #WINDOW_SECONDS} seconds, retries may add at most
 * {@code ratio} of the calls made, plus {@code minPerSecond} a second, so that retries cannot
 * multiply an outage. Counted per second in a ring of buckets.
 *
 * <p>Every call is counted, on every event loop thread, so counting takes no lock (a
 * {@link LongAdder} per bucket); only a retry, and the turn of a bucket to a new second, do. A call
 * counted just as its bucket turns over may be lost: the budget is an estimate, not a ledger.
 */
final class RetryBudget {
  static final int WINDOW_SECONDS = 10;

  private final double ratio;
  private final int minPerSecond;
  private final LongSupplier nanoTime;
  private final LongAdder[] calls = new LongAdder[WINDOW_SECONDS];
  private final long[] retries = new long[WINDOW_SECONDS];
  private final AtomicLongArray bucketSecond = new AtomicLongArray(WINDOW_SECONDS);

  RetryBudget(double ratio, int minPerSecond, LongSupplier nanoTime) {
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.nanoTime = nanoTime;
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      calls[i] = new LongAdder();
    }
  }

  /** A first attempt: it earns a fraction of a retry. */
  void recordCall() {
    calls[bucket()].increment();
  }

  /** Whether a retry may go out now; if so it is counted against the budget. */
  synchronized boolean tryRetry() {
    int now = bucket();
    long second = bucketSecond.get(now);
    long callsInWindow = 0;
    long retriesInWindow = 0;
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      if (second - bucketSecond.get(i) < WINDOW_SECONDS) {
        callsInWindow += calls[i].sum();
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
    if (bucketSecond.get(index) != second) {
      turn(index, second);
    }
    return index;
  }

  private synchronized void turn(int index, long second) {
    if (bucketSecond.get(index) != second) {
      calls[index].reset();
      retries[index] = 0;
      bucketSecond.set(index, second);
    }
  }
}
