package dev.fulcrum.tools.bench;

import com.google.protobuf.ByteString;
import dev.fulcrum.echo.v1.EchoReply;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop load: {@code concurrency} unary Echo calls always in flight, each replaced by the
 * next as soon as it completes, latencies recorded in an HdrHistogram. A warm-up runs first and
 * is not counted.
 */
public final class LoadGenerator {
  private final EchoServiceGrpc.EchoServiceStub stub;
  private final EchoRequest request;
  private final int concurrency;

  public LoadGenerator(Channel channel, int concurrency, int payloadBytes) {
    this.stub = EchoServiceGrpc.newStub(channel);
    this.request = EchoRequest.newBuilder()
        .setMessage("bench")
        .setPayload(ByteString.copyFrom(new byte[payloadBytes]))
        .build();
    this.concurrency = concurrency;
  }

  /** What one measured run saw. */
  public record Result(long calls, long failed, double seconds, Histogram latencyNanos) {
    public double callsPerSecond() {
      return calls / seconds;
    }

    public String summary() {
      return String.format("%,10.0f calls/s   p50 %s   p90 %s   p99 %s   max %s   failed %d",
          callsPerSecond(), millis(latencyNanos.getValueAtPercentile(50)),
          millis(latencyNanos.getValueAtPercentile(90)), millis(latencyNanos.getValueAtPercentile(99)),
          millis(latencyNanos.getMaxValue()), failed);
    }

    private static String millis(long nanos) {
      return String.format("%7.3f ms", nanos / 1e6);
    }
  }

  public Result run(Duration warmup, Duration duration) throws InterruptedException {
    Recorder recorder = new Recorder(3);
    AtomicLong calls = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    CountDownLatch drained = new CountDownLatch(concurrency);
    Loop loop = new Loop(recorder, calls, failed, drained);
    for (int i = 0; i < concurrency; i++) {
      loop.next();
    }
    TimeUnit.NANOSECONDS.sleep(warmup.toNanos());
    recorder.reset();
    calls.set(0);
    failed.set(0);
    long start = System.nanoTime();
    TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    long counted = calls.get();
    long failures = failed.get();
    Histogram histogram = recorder.getIntervalHistogram();
    double seconds = (System.nanoTime() - start) / 1e9;
    loop.stop = true;
    drained.await(30, TimeUnit.SECONDS);
    return new Result(counted, failures, seconds, histogram);
  }

  private final class Loop {
    private final Recorder recorder;
    private final AtomicLong calls;
    private final AtomicLong failed;
    private final CountDownLatch drained;
    volatile boolean stop;

    Loop(Recorder recorder, AtomicLong calls, AtomicLong failed, CountDownLatch drained) {
      this.recorder = recorder;
      this.calls = calls;
      this.failed = failed;
      this.drained = drained;
    }

    void next() {
      if (stop) {
        drained.countDown();
        return;
      }
      long start = System.nanoTime();
      stub.echo(request, new StreamObserver<>() {
        @Override
        public void onNext(EchoReply reply) {}

        @Override
        public void onError(Throwable t) {
          failed.incrementAndGet();
          next();
        }

        @Override
        public void onCompleted() {
          recorder.recordValue(System.nanoTime() - start);
          calls.incrementAndGet();
          next();
        }
      });
    }
  }
}
