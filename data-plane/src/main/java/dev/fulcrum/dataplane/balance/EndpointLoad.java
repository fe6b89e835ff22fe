package dev.fulcrum.dataplane.balance;

import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What one endpoint is carrying (and, for the call's {@link CallAttempts}, how each call on it ended): its requests in flight, and a peak-sensitive moving average of
 * its latency (Linkerd's peak-EWMA: a slower call raises the estimate at once, faster calls pull
 * it down gradually, with time constant {@code decayNanos}). Updated by a stream tracer on every
 * call the endpoint takes.
 */
final class EndpointLoad {
  private final LongSupplier nanoTime;
  private final long decayNanos;
  private final AtomicInteger outstanding = new AtomicInteger();
  private final ClientStreamTracer.Factory tracerFactory = new Tracer();
  private long ewmaNanos;
  private long updatedAtNanos;

  EndpointLoad(long decayNanos, long initialLatencyNanos, LongSupplier nanoTime) {
    this.decayNanos = decayNanos;
    this.nanoTime = nanoTime;
    this.ewmaNanos = initialLatencyNanos;
    this.updatedAtNanos = nanoTime.getAsLong();
  }

  int outstanding() {
    return outstanding.get();
  }

  /** Counts a call on this endpoint until it closes, and learns its latency. */
  ClientStreamTracer.Factory tracerFactory() {
    return tracerFactory;
  }

  void started() {
    outstanding.incrementAndGet();
  }

  void finished(long latencyNanos) {
    outstanding.decrementAndGet();
    observe(latencyNanos);
  }

  /** Peak-EWMA: a sample above the average replaces it; below, it is blended in by elapsed time. */
  synchronized void observe(long latencyNanos) {
    long now = nanoTime.getAsLong();
    if (latencyNanos > ewmaNanos) {
      ewmaNanos = latencyNanos;
    } else {
      double weight = Math.exp(-(double) Math.max(0, now - updatedAtNanos) / decayNanos);
      ewmaNanos = (long) (ewmaNanos * weight + latencyNanos * (1 - weight));
    }
    updatedAtNanos = now;
  }

  /** Peak-EWMA's cost: expected latency times the queue a new call would join. */
  synchronized double cost() {
    return (double) ewmaNanos * (outstanding.get() + 1);
  }

  synchronized long ewmaNanos() {
    return ewmaNanos;
  }

  private final class Tracer extends ClientStreamTracer.Factory {
    @Override
    public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
      long start = nanoTime.getAsLong();
      CallAttempts attempts = info.getCallOptions().getOption(CallAttempts.KEY);
      started();
      return new ClientStreamTracer() {
        @Override
        public void streamClosed(Status status) {
          finished(nanoTime.getAsLong() - start);
          if (attempts != null) {
            attempts.closed(status);
          }
        }
      };
    }
  }

}
