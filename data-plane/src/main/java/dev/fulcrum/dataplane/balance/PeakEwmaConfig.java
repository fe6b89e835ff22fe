package dev.fulcrum.dataplane.balance;

import java.util.concurrent.TimeUnit;

/**
 * Peak-EWMA's tuning: how fast a latency estimate forgets a slow call, and what an endpoint not yet
 * measured is assumed to take (Linkerd's defaults: 10 s and 30 ms).
 */
record PeakEwmaConfig(long decayNanos, long initialLatencyNanos) {
  static final PeakEwmaConfig DEFAULT =
      new PeakEwmaConfig(TimeUnit.SECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(30));
}
