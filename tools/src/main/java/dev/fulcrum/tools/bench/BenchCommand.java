package dev.fulcrum.tools.bench;

import dev.fulcrum.tools.DurationConverter;
import dev.fulcrum.tools.HostPort;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {
        "Load generator: unary Echo calls, closed loop, latencies in an HdrHistogram.",
        "With --baseline (say, the echo server itself) both are warmed up, then measured in",
        "interleaved rounds in one run, and the ratio target/baseline is printed."})
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "Where to send the calls.")
  String target;

  @Option(names = "--baseline", paramLabel = "HOST:PORT", description = "Measure this too, in the same run, and compare.")
  String baseline;

  @Option(names = "--concurrency", defaultValue = "16", description = "Calls in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
      description = "Measured time per target, split over the rounds (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "3s", converter = DurationConverter.class,
      description = "Unmeasured warm-up before each round (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--rounds", defaultValue = "3", description = "Interleaved rounds with --baseline (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--payload", defaultValue = "64", description = "Request payload in bytes (default: ${DEFAULT-VALUE}).")
  int payload;

  @Override
  public Integer call() throws Exception {
    HostPort targetAddress = HostPort.parse("--target", target);
    if (baseline == null) {
      LoadGenerator.Result result = measure(targetAddress, warmup, duration);
      System.out.println(targetAddress + "  " + result.summary());
      return result.failed() == 0 ? 0 : 1;
    }
    HostPort baselineAddress = HostPort.parse("--baseline", baseline);
    Duration round = duration.dividedBy(rounds);
    // Warm both sides (and the backend behind them) before any round counts: otherwise whichever is
    // measured first also pays for the JIT compiling the shared backend.
    measure(baselineAddress, warmup, Duration.ofMillis(1));
    measure(targetAddress, warmup, Duration.ofMillis(1));
    List<LoadGenerator.Result> targets = new ArrayList<>();
    List<LoadGenerator.Result> baselines = new ArrayList<>();
    for (int i = 1; i <= rounds; i++) {
      LoadGenerator.Result b = measure(baselineAddress, warmup, round);
      LoadGenerator.Result t = measure(targetAddress, warmup, round);
      baselines.add(b);
      targets.add(t);
      System.out.printf("round %d  baseline %s%n         target   %s%n", i, b.summary(), t.summary());
    }
    LoadGenerator.Result b = combine(baselines);
    LoadGenerator.Result t = combine(targets);
    System.out.printf("baseline %-21s %s%n", baselineAddress, b.summary());
    System.out.printf("target   %-21s %s%n", targetAddress, t.summary());
    System.out.printf("ratio target/baseline: throughput %.2fx, p50 latency %.2fx, p99 latency %.2fx%n",
        t.callsPerSecond() / b.callsPerSecond(),
        (double) t.latencyNanos().getValueAtPercentile(50) / b.latencyNanos().getValueAtPercentile(50),
        (double) t.latencyNanos().getValueAtPercentile(99) / b.latencyNanos().getValueAtPercentile(99));
    return t.failed() + b.failed() == 0 ? 0 : 1;
  }

  private LoadGenerator.Result measure(HostPort address, Duration warmup, Duration time) throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress(address.host(), address.port())
        .usePlaintext()
        .directExecutor()
        .build();
    try {
      return new LoadGenerator(channel, concurrency, payload).run(warmup, time);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static LoadGenerator.Result combine(List<LoadGenerator.Result> results) {
    Histogram histogram = new Histogram(3);
    long calls = 0;
    long failed = 0;
    double seconds = 0;
    for (LoadGenerator.Result r : results) {
      histogram.add(r.latencyNanos());
      calls += r.calls();
      failed += r.failed();
      seconds += r.seconds();
    }
    return new LoadGenerator.Result(calls, failed, seconds, histogram);
  }
}
