package dev.fulcrum.tools.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives {@link EchoCalls} in one of two ways, latencies in an HdrHistogram, after a warm-up that
 * is not counted:
 * <ul>
 *   <li>closed loop: {@code concurrency} calls always in flight, each replaced by the next as soon
 *       as it completes (the most the target can take);</li>
 *   <li>open loop: calls started at a constant rate whatever the target does, each timed from when
 *       it was due to start, so a stall counts against every call it delayed (no coordinated
 *       omission).</li>
 * </ul>
 */
public final class LoadGenerator {
  private final EchoCalls calls;

  LoadGenerator(EchoCalls calls) {
    this.calls = calls;
  }

  /** What one measured run saw. */
  public record Result(long calls, long failed, long messages, double seconds, Histogram latencyNanos) {
    public double callsPerSecond() {
      return calls / seconds;
    }

    public String summary() {
      String streamed = messages == calls ? "" : String.format("   %,.0f msgs/s", messages / seconds);
      return String.format("%,10.0f calls/s   p50 %s   p90 %s   p99 %s   max %s   failed %d%s",
          callsPerSecond(), millis(latencyNanos.getValueAtPercentile(50)),
          millis(latencyNanos.getValueAtPercentile(90)), millis(latencyNanos.getValueAtPercentile(99)),
          millis(latencyNanos.getMaxValue()), failed, streamed);
    }

    static String millis(long nanos) {
      return String.format("%7.3f ms", nanos / 1e6);
    }
  }

  /** Counts what completed calls saw, from a moment on. */
  private static final class Tally {
    final Recorder latencies = new Recorder(3);
    final AtomicLong calls = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong messages = new AtomicLong();

    void record(long startNanos, boolean ok, int received) {
      if (ok) {
        latencies.recordValue(System.nanoTime() - startNanos);
        calls.incrementAndGet();
      } else {
        failed.incrementAndGet();
      }
      messages.addAndGet(received);
    }

    void reset() {
      latencies.reset();
      calls.set(0);
      failed.set(0);
      messages.set(0);
    }

    Result result(double seconds) {
      return new Result(calls.get(), failed.get(), messages.get(), seconds, latencies.getIntervalHistogram());
    }
  }

  /** Closed loop: {@code concurrency} calls in flight. */
  public Result closedLoop(int concurrency, Duration warmup, Duration duration) throws InterruptedException {
    Tally tally = new Tally();
    CountDownLatch drained = new CountDownLatch(concurrency);
    Loop loop = new Loop(tally, drained);
    for (int i = 0; i < concurrency; i++) {
      loop.next();
    }
    TimeUnit.NANOSECONDS.sleep(warmup.toNanos());
    tally.reset();
    long start = System.nanoTime();
    TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    Result result = tally.result((System.nanoTime() - start) / 1e9);
    loop.stop = true;
    drained.await(30, TimeUnit.SECONDS);
    return result;
  }

  private final class Loop {
    private final Tally tally;
    private final CountDownLatch drained;
    volatile boolean stop;

    Loop(Tally tally, CountDownLatch drained) {
      this.tally = tally;
      this.drained = drained;
    }

    void next() {
      if (stop) {
        drained.countDown();
        return;
      }
      long start = System.nanoTime();
      calls.start((ok, messages) -> {
        tally.record(start, ok, messages);
        next();
      });
    }
  }

  /**
   * Open loop: {@code rate} calls a second, each timed from its intended start. Calls due during
   * the measured time are counted when they complete, however late.
   */
  public Result openLoop(double rate, Duration warmup, Duration duration) throws InterruptedException {
    Tally warm = new Tally();
    Tally measured = new Tally();
    AtomicInteger inFlight = new AtomicInteger();
    long period = Math.max(1, Math.round(1e9 / rate));
    long start = System.nanoTime();
    long measureFrom = start + warmup.toNanos();
    long end = measureFrom + duration.toNanos();
    long due = start;
    while (due < end) {
      long now = System.nanoTime();
      for (; due <= now && due < end; due += period) {
        long intended = due;
        Tally tally = intended < measureFrom ? warm : measured;
        inFlight.incrementAndGet();
        calls.start((ok, messages) -> {
          tally.record(intended, ok, messages);
          inFlight.decrementAndGet();
        });
      }
      LockSupport.parkNanos(due - System.nanoTime());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(1);
    }
    return measured.result(duration.toNanos() / 1e9);
  }
}
