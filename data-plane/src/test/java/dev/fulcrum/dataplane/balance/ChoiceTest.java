package dev.fulcrum.dataplane.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ChoiceTest {
  private static final long DECAY = TimeUnit.SECONDS.toNanos(10);

  /** Endpoints with these requests in flight and the same latency estimate. */
  private static List<EndpointLoad> outstanding(int... counts) {
    List<EndpointLoad> loads = new ArrayList<>();
    for (int count : counts) {
      EndpointLoad load = new EndpointLoad(DECAY, 1_000_000, () -> 0L);
      for (int i = 0; i < count; i++) {
        load.started();
      }
      loads.add(load);
    }
    return loads;
  }

  /** Idle endpoints whose latency estimates are these. */
  private static List<EndpointLoad> latencies(long... nanos) {
    List<EndpointLoad> loads = new ArrayList<>();
    for (long latency : nanos) {
      loads.add(new EndpointLoad(DECAY, latency, () -> 0L));
    }
    return loads;
  }

  /** How many times each endpoint is chosen in {@code draws} choices. */
  private static int[] histogram(Choice choice, List<EndpointLoad> loads, int draws, long seed) {
    Random random = new Random(seed);
    int[] counts = new int[loads.size()];
    for (int i = 0; i < draws; i++) {
      counts[choice.choose(loads, random, i)]++;
    }
    return counts;
  }

  private static void assertNear(int expected, int actual, double tolerance, String what) {
    assertTrue(Math.abs(actual - expected) <= expected * tolerance,
        what + ": expected " + expected + " ± " + (int) (expected * tolerance) + ", got " + actual);
  }

  /** A random source that must not be used. */
  private static final RandomGenerator NO_RANDOM = () -> {
    throw new AssertionError("no random draw expected");
  };

  // --- ROUND_ROBIN ---

  @Test
  void roundRobinRotatesByTicketWithoutDrawing() {
    List<EndpointLoad> loads = outstanding(9, 0, 4);
    List<Integer> chosen = new ArrayList<>();
    for (long ticket = 0; ticket < 7; ticket++) {
      chosen.add(Choice.ROUND_ROBIN.choose(loads, NO_RANDOM, ticket));
    }

    assertEquals(List.of(0, 1, 2, 0, 1, 2, 0), chosen);
  }

  @Test
  void roundRobinWithNegativeAndHugeTickets() {
    List<EndpointLoad> loads = outstanding(0, 0, 0);

    assertEquals(2, Choice.ROUND_ROBIN.choose(loads, NO_RANDOM, -1));
    assertEquals(0, Choice.ROUND_ROBIN.choose(loads, NO_RANDOM, -3));
    assertEquals(Math.floorMod(Long.MAX_VALUE, 3), Choice.ROUND_ROBIN.choose(loads, NO_RANDOM, Long.MAX_VALUE));
    assertEquals(Math.floorMod(Long.MIN_VALUE, 3), Choice.ROUND_ROBIN.choose(loads, NO_RANDOM, Long.MIN_VALUE));
    assertEquals(0, Choice.ROUND_ROBIN.choose(outstanding(5), NO_RANDOM, 12345));
  }

  @Test
  void roundRobinIsExactlyEven() {
    assertEquals(List.of(1000, 1000, 1000, 1000), toList(histogram(Choice.ROUND_ROBIN, outstanding(7, 0, 3, 1), 4000, 1)));
  }

  // --- LEAST_LOADED ---

  @Test
  void leastLoadedPicksTheStrictlyLeastLoaded() {
    assertEquals(List.of(0, 1000, 0, 0), toList(histogram(Choice.LEAST_LOADED, outstanding(3, 1, 2, 5), 1000, 1)));
    assertEquals(List.of(1000, 0, 0), toList(histogram(Choice.LEAST_LOADED, outstanding(0, 1, 2), 1000, 2)));
    assertEquals(List.of(0, 0, 1000), toList(histogram(Choice.LEAST_LOADED, outstanding(7, 7, 6), 1000, 3)));
  }

  @Test
  void leastLoadedWithOneEndpointOrOneMinimumDrawsNothing() {
    assertEquals(0, Choice.LEAST_LOADED.choose(outstanding(4), NO_RANDOM, 0));
    assertEquals(2, Choice.LEAST_LOADED.choose(outstanding(4, 3, 0, 9), NO_RANDOM, 0));
  }

  @Test
  void leastLoadedBreaksTiesUniformly() {
    int[] counts = histogram(Choice.LEAST_LOADED, outstanding(0, 3, 0, 0, 1), 30_000, 42);

    assertEquals(0, counts[1], "more loaded");
    assertEquals(0, counts[4], "more loaded");
    for (int tied : new int[] {0, 2, 3}) {
      assertNear(10_000, counts[tied], 0.10, "endpoint " + tied);
    }
    assertEquals(30_000, counts[0] + counts[2] + counts[3]);
  }

  @Test
  void leastLoadedBreaksATwoWayTieEvenly() {
    int[] counts = histogram(Choice.LEAST_LOADED, outstanding(2, 1, 1), 20_000, 7);

    assertEquals(0, counts[0]);
    assertNear(10_000, counts[1], 0.05, "endpoint 1");
    assertNear(10_000, counts[2], 0.05, "endpoint 2");
  }

  @Test
  void leastLoadedFollowsTheLoadAsItChanges() {
    List<EndpointLoad> loads = outstanding(0, 0);
    loads.get(0).started();
    assertEquals(1, Choice.LEAST_LOADED.choose(loads, new Random(1), 0));
    loads.get(1).started();
    loads.get(1).started();
    assertEquals(0, Choice.LEAST_LOADED.choose(loads, new Random(1), 0));
    loads.get(1).finished(1_000_000);
    loads.get(1).finished(1_000_000);
    assertEquals(1, Choice.LEAST_LOADED.choose(loads, new Random(1), 0));
  }

  // --- RANDOM ---

  @Test
  void randomIsUniform() {
    int draws = 160_000;
    int[] counts = histogram(Choice.RANDOM, outstanding(0, 5, 1, 9), draws, 1234);

    double chiSquare = 0;
    for (int i = 0; i < counts.length; i++) {
      assertNear(40_000, counts[i], 0.05, "endpoint " + i);
      chiSquare += Math.pow(counts[i] - 40_000, 2) / 40_000;
    }
    // 3 degrees of freedom: 16.27 is the 0.1% critical value.
    assertTrue(chiSquare < 16.27, "chi-square " + chiSquare + " for " + toList(counts));
  }

  @Test
  void randomIgnoresTheLoad() {
    int[] counts = histogram(Choice.RANDOM, outstanding(100, 0), 20_000, 99);

    assertNear(10_000, counts[0], 0.05, "the loaded endpoint");
    assertNear(10_000, counts[1], 0.05, "the idle endpoint");
  }

  @Test
  void randomWithOneEndpoint() {
    assertEquals(List.of(500), toList(histogram(Choice.RANDOM, outstanding(3), 500, 5)));
  }

  // --- PEAK_EWMA ---

  @Test
  void peakEwmaWithOneEndpointChoosesIt() {
    assertEquals(0, Choice.PEAK_EWMA.choose(latencies(5_000_000), NO_RANDOM, 0));
  }

  @Test
  void peakEwmaOfTwoAlwaysChoosesTheCheaper() {
    assertEquals(List.of(10_000, 0), toList(histogram(Choice.PEAK_EWMA, latencies(10_000_000, 30_000_000), 10_000, 11)));
    assertEquals(List.of(0, 10_000), toList(histogram(Choice.PEAK_EWMA, latencies(30_000_000, 10_000_000), 10_000, 12)));
  }

  @Test
  void peakEwmaCostCountsTheRequestsInFlight() {
    // 10 ms with 4 in flight costs 50 ms; 30 ms idle costs 30 ms.
    List<EndpointLoad> loads = latencies(10_000_000, 30_000_000);
    for (int i = 0; i < 4; i++) {
      loads.get(0).started();
    }
    assertEquals(List.of(0, 5_000), toList(histogram(Choice.PEAK_EWMA, loads, 5_000, 13)));
    // Down to 1 in flight (the fast samples at the same instant leave the estimate at 10 ms): 20 ms.
    loads.get(0).finished(1);
    loads.get(0).finished(1);
    loads.get(0).finished(1);
    assertEquals(List.of(5_000, 0), toList(histogram(Choice.PEAK_EWMA, loads, 5_000, 14)));
  }

  @Test
  void peakEwmaSplitsEvenlyBetweenEqualCosts() {
    int[] counts = histogram(Choice.PEAK_EWMA, latencies(20_000_000, 20_000_000), 20_000, 15);

    assertNear(10_000, counts[0], 0.05, "endpoint 0");
    assertNear(10_000, counts[1], 0.05, "endpoint 1");
  }

  @Test
  void peakEwmaComparesTwoDistinctEndpoints() {
    // Four endpoints of distinct costs: of the 6 pairs, the cheapest wins 3, the next 2, the third 1, the
    // costliest none (drawing the same endpoint twice would give it 1/16 of the picks).
    int[] counts = histogram(Choice.PEAK_EWMA, latencies(40_000_000, 10_000_000, 30_000_000, 20_000_000), 60_000, 16);

    assertEquals(0, counts[0], "the costliest is never chosen");
    assertNear(30_000, counts[1], 0.03, "cheapest");
    assertNear(20_000, counts[3], 0.03, "second");
    assertNear(10_000, counts[2], 0.03, "third");
  }

  private static List<Integer> toList(int[] counts) {
    List<Integer> list = new ArrayList<>();
    for (int count : counts) {
      list.add(count);
    }
    return list;
  }
}
