package dev.fulcrum.tools.bench;

import dev.fulcrum.tools.DurationConverter;
import dev.fulcrum.tools.Fulcrum.UsageException;
import dev.fulcrum.tools.HostPort;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {
        "Load generator: Echo calls (unary, or server streams with --streaming), latencies in an HdrHistogram.",
        "Closed loop (--concurrency calls in flight), or open loop with --rate (calls timed from when they",
        "were due, so stalls are not hidden). With several targets (--baseline, or --targets) all are warmed",
        "up, then measured in interleaved rounds in one run, and each is compared with those before it."})
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--target", paramLabel = "HOST:PORT", description = "Where to send the calls.")
  String target;

  @Option(names = "--baseline", paramLabel = "HOST:PORT", description = "Measure this too, in the same run, and compare.")
  String baseline;

  @Option(names = "--targets", split = ",", paramLabel = "NAME=HOST:PORT",
      description = "Several named targets, measured in this order each round (instead of --target/--baseline).")
  Map<String, String> named = new LinkedHashMap<>();

  @Option(names = "--concurrency", defaultValue = "16", description = "Calls in flight, closed loop (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--rate", paramLabel = "CALLS_PER_SECOND",
      description = "Open loop: start this many calls a second, whatever the target does (instead of --concurrency).")
  Double rate;

  @Option(names = "--streaming", defaultValue = "0", paramLabel = "REPLIES",
      description = "Server-streaming calls of this many replies each (default: unary calls).")
  int streamReplies;

  @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
      description = "Measured time per target, split over the rounds (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "3s", converter = DurationConverter.class,
      description = "Unmeasured warm-up before each round (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--rounds", defaultValue = "3", description = "Interleaved rounds with several targets (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--payload", defaultValue = "64", description = "Request payload in bytes (default: ${DEFAULT-VALUE}).")
  int payload;

  @Override
  public Integer call() throws Exception {
    Map<String, HostPort> targets = targets();
    if (rate != null && rate <= 0) {
      throw new UsageException("--rate: must be above 0");
    }
    if (targets.size() == 1) {
      Map.Entry<String, HostPort> only = targets.entrySet().iterator().next();
      LoadGenerator.Result result = measure(only.getValue(), warmup, duration);
      System.out.println(only.getValue() + "  " + result.summary());
      return result.failed() == 0 ? 0 : 1;
    }
    System.out.println(rate == null ? "closed loop, " + concurrency + " calls in flight" : "open loop, " + rate + " calls/s");
    Duration round = duration.dividedBy(rounds);
    // Warm every side (and the backend behind them) before any round counts: otherwise whichever is
    // measured first also pays for the JIT compiling the shared backend.
    for (HostPort address : targets.values()) {
      measure(address, warmup, Duration.ofMillis(1));
    }
    Map<String, List<LoadGenerator.Result>> results = new LinkedHashMap<>();
    for (int i = 1; i <= rounds; i++) {
      for (Map.Entry<String, HostPort> t : targets.entrySet()) {
        LoadGenerator.Result result = measure(t.getValue(), warmup, round);
        results.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(result);
        System.out.printf("round %d  %-9s %s%n", i, t.getKey(), result.summary());
      }
    }
    Map<String, LoadGenerator.Result> combined = new LinkedHashMap<>();
    results.forEach((name, list) -> combined.put(name, combine(list)));
    long failed = 0;
    for (Map.Entry<String, LoadGenerator.Result> r : combined.entrySet()) {
      System.out.printf("%-9s %-21s %s%n", r.getKey(), targets.get(r.getKey()), r.getValue().summary());
      failed += r.getValue().failed();
    }
    List<String> names = new ArrayList<>(combined.keySet());
    for (int i = 1; i < names.size(); i++) {
      for (int j = 0; j < i; j++) {
        System.out.println(compare(names.get(i), combined.get(names.get(i)), names.get(j), combined.get(names.get(j))));
      }
    }
    return failed == 0 ? 0 : 1;
  }

  private Map<String, HostPort> targets() {
    Map<String, HostPort> targets = new LinkedHashMap<>();
    if (!named.isEmpty()) {
      if (target != null || baseline != null) {
        throw new UsageException("--targets: give either --targets or --target (and --baseline), not both");
      }
      named.forEach((name, address) -> targets.put(name, HostPort.parse("--targets", address)));
      return targets;
    }
    if (target == null) {
      throw new UsageException("--target: required (or --targets)");
    }
    if (baseline != null) {
      targets.put("baseline", HostPort.parse("--baseline", baseline));
    }
    targets.put("target", HostPort.parse("--target", target));
    return targets;
  }

  /** "a/b: throughput 0.85x, p50 +0.080 ms (1.50x), p99 ...": what a adds to b. */
  private static String compare(String a, LoadGenerator.Result ra, String b, LoadGenerator.Result rb) {
    StringBuilder line = new StringBuilder(String.format("%s/%s: throughput %.2fx", a, b, ra.callsPerSecond() / rb.callsPerSecond()));
    for (int percentile : new int[] {50, 99}) {
      long va = ra.latencyNanos().getValueAtPercentile(percentile);
      long vb = rb.latencyNanos().getValueAtPercentile(percentile);
      line.append(String.format(", p%d %+.3f ms (%.2fx)", percentile, (va - vb) / 1e6, (double) va / vb));
    }
    return line.toString();
  }

  private LoadGenerator.Result measure(HostPort address, Duration warmup, Duration time) throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress(address.host(), address.port())
        .usePlaintext()
        .directExecutor()
        .build();
    try {
      LoadGenerator load = new LoadGenerator(new EchoCalls(channel, payload, streamReplies));
      return rate == null ? load.closedLoop(concurrency, warmup, time) : load.openLoop(rate, warmup, time);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static LoadGenerator.Result combine(List<LoadGenerator.Result> results) {
    Histogram histogram = new Histogram(3);
    long calls = 0;
    long failed = 0;
    long messages = 0;
    double seconds = 0;
    for (LoadGenerator.Result r : results) {
      histogram.add(r.latencyNanos());
      calls += r.calls();
      failed += r.failed();
      messages += r.messages();
      seconds += r.seconds();
    }
    return new LoadGenerator.Result(calls, failed, messages, seconds, histogram);
  }
}
