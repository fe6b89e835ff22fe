package dev.fulcrum.contract;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as Kubernetes and Linkerd users write them: {@code 5s}, {@code 250ms},
 * {@code 1m30s}. In the contract because a Link's timeouts and every command's duration flags
 * (the proxy's image has the commands, not the Link model) take the same spelling.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
  private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
      "ns", 1L, "us", 1_000L, "µs", 1_000L, "ms", 1_000_000L,
      "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  private Durations() {}

  /** The duration, or empty if {@code text} is not one sequence of number-unit parts. */
  public static Optional<Duration> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    Matcher part = PART.matcher(text);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (part.find() && part.start() == end) {
      nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(part.group(2)))));
      end = part.end();
    }
    if (end != text.length()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofNanos(nanos.longValueExact()));
    } catch (ArithmeticException e) {
      return Optional.empty(); // beyond ~292 years
    }
  }
}
