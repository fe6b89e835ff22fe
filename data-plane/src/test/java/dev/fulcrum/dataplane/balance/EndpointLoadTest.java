package dev.fulcrum.dataplane.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EndpointLoadTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long DECAY = TimeUnit.SECONDS.toNanos(10);

  /** The clock the load reads: moved by hand. */
  private long now = 1_000_000_000_000L;
  private final EndpointLoad load = new EndpointLoad(DECAY, 30 * MS, () -> now);

  private ClientStreamTracer newTracer() {
    return load.tracerFactory().newClientStreamTracer(ClientStreamTracer.StreamInfo.newBuilder().build(), new Metadata());
  }

  @Test
  void startsIdleWithTheInitialLatency() {
    assertEquals(0, load.outstanding());
    assertEquals(30 * MS, load.ewmaNanos());
    assertEquals(30.0 * MS, load.cost());
  }

  @Test
  void countsRequestsStartedAndFinished() {
    load.started();
    load.started();
    load.started();
    assertEquals(3, load.outstanding());
    load.finished(5 * MS);
    assertEquals(2, load.outstanding());
    load.finished(5 * MS);
    load.finished(5 * MS);
    assertEquals(0, load.outstanding());
  }

  @Test
  void aSlowerSampleRaisesTheEstimateAtOnce() {
    load.observe(100 * MS);
    assertEquals(100 * MS, load.ewmaNanos());

    now += DECAY * 5; // however long since: the peak is taken as is
    load.observe(250 * MS);
    assertEquals(250 * MS, load.ewmaNanos());
  }

  @Test
  void aFasterSampleAtTheSameInstantChangesNothing() {
    load.observe(100 * MS);
    load.observe(10 * MS);

    assertEquals(100 * MS, load.ewmaNanos());
  }

  @Test
  void fasterSamplesDecayTheEstimateWithTheDecayTimeConstant() {
    load.observe(100 * MS);
    now += DECAY;
    load.observe(10 * MS);

    // After exactly one time constant, e^-1 of the old estimate remains.
    long expected = (long) (100 * MS * Math.exp(-1) + 10 * MS * (1 - Math.exp(-1)));
    assertEquals(43_109_149, expected);
    assertEquals(expected, load.ewmaNanos());
  }

  @Test
  void twoTimeConstantsLeaveEToTheMinusTwo() {
    load.observe(100 * MS);
    now += 2 * DECAY;
    load.observe(10 * MS);

    assertEquals(22_180_175, load.ewmaNanos());
  }

  @Test
  void theDecayRunsFromTheLastSampleNotFromConstruction() {
    now += 3 * DECAY;
    load.observe(100 * MS);
    now += DECAY; // 4 time constants since construction, 1 since the sample
    load.observe(10 * MS);

    assertEquals(43_109_149, load.ewmaNanos());
  }

  @Test
  void aLongQuietPeriodForgetsThePeak() {
    load.observe(500 * MS);
    now += 100 * DECAY;
    load.observe(10 * MS);

    assertEquals(10 * MS, load.ewmaNanos());
  }

  @Test
  void successiveDecaysCompound() {
    load.observe(100 * MS);
    now += DECAY / 2;
    load.observe(10 * MS);
    long half = (long) (100 * MS * Math.exp(-0.5) + 10 * MS * (1 - Math.exp(-0.5)));
    assertEquals(half, load.ewmaNanos());
    now += DECAY / 2;
    load.observe(10 * MS);

    assertEquals((long) (half * Math.exp(-0.5) + 10 * MS * (1 - Math.exp(-0.5))), load.ewmaNanos());
  }

  @Test
  void theCostIsTheEstimateTimesTheQueueANewCallWouldJoin() {
    load.observe(40 * MS);
    assertEquals(40.0 * MS, load.cost());
    load.started();
    load.started();
    load.started();

    assertEquals(160.0 * MS, load.cost());
  }

  @Test
  void finishingARequestLearnsItsLatency() {
    load.started();
    load.finished(80 * MS);

    assertEquals(0, load.outstanding());
    assertEquals(80 * MS, load.ewmaNanos());
  }

  @Test
  void theTracerCountsAStreamUntilItClosesAndLearnsItsLatency() {
    ClientStreamTracer tracer = newTracer();
    assertEquals(1, load.outstanding());

    now += 75 * MS;
    tracer.streamClosed(Status.OK);

    assertEquals(0, load.outstanding());
    assertEquals(75 * MS, load.ewmaNanos());
  }

  @Test
  void theTracerCountsConcurrentStreamsAndFailuresAlike() {
    ClientStreamTracer first = newTracer();
    now += 10 * MS;
    ClientStreamTracer second = newTracer();
    assertEquals(2, load.outstanding());
    assertEquals(90.0 * MS, load.cost());

    now += 40 * MS;
    second.streamClosed(Status.UNAVAILABLE);
    assertOutstanding(1);
    assertEquals(40 * MS, load.ewmaNanos(), "40 ms is above the initial 30 ms");

    now += 50 * MS;
    first.streamClosed(Status.DEADLINE_EXCEEDED);
    assertEquals(0, load.outstanding());
    assertEquals(100 * MS, load.ewmaNanos());
  }

  private void assertOutstanding(int outstanding) {
    assertEquals(outstanding, load.outstanding());
  }

  @Test
  void theTracerFactoryIsShared() {
    assertSame(load.tracerFactory(), load.tracerFactory());
  }
}
