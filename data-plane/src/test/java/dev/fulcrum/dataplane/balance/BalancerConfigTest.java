package dev.fulcrum.dataplane.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.NameResolver.ConfigOrError;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalancerConfigTest {
  private static final String POLICY = "fulcrum.peak_ewma";

  private static BalancerConfig config(Map<String, ?> raw) {
    ConfigOrError result = BalancerConfig.parse(POLICY, raw);
    assertNull(result.getError(), () -> "unexpected error: " + result.getError());
    return (BalancerConfig) result.getConfig();
  }

  private static String error(Map<String, ?> raw) {
    ConfigOrError result = BalancerConfig.parse(POLICY, raw);
    assertNotNull(result.getError(), () -> "expected an error, got " + result.getConfig());
    assertNull(result.getConfig());
    String description = result.getError().getDescription();
    assertTrue(description.startsWith(POLICY + ": "), description);
    return description;
  }

  @Test
  void theDefaultsAreLinkerds() {
    assertEquals(new BalancerConfig(0.2, 10, 10_000_000_000L, 30_000_000L), BalancerConfig.DEFAULT);
    assertEquals(BalancerConfig.DEFAULT, config(Map.of()));
  }

  @Test
  void millisecondsBecomeNanoseconds() {
    assertEquals(new BalancerConfig(0.2, 10, 5_000_000_000L, 10_000_000L),
        config(Map.of("decay_ms", 5000.0, "default_rtt_ms", 10.0)));
  }

  @Test
  void eachFieldAlone() {
    assertEquals(new BalancerConfig(0.2, 10, 5_000_000_000L, 30_000_000L), config(Map.of("decay_ms", 5000.0)));
    assertEquals(new BalancerConfig(0.2, 10, 10_000_000_000L, 10_000_000L), config(Map.of("default_rtt_ms", 10.0)));
    assertEquals(new BalancerConfig(0.5, 10, 10_000_000_000L, 30_000_000L), config(Map.of("retry_budget_ratio", 0.5)));
    assertEquals(new BalancerConfig(0.2, 3, 10_000_000_000L, 30_000_000L), config(Map.of("min_retries_per_second", 3.0)));
  }

  @Test
  void fractionsOfAMillisecondAndIntegers() {
    assertEquals(new BalancerConfig(0.2, 10, 1_500_000L, 250_000L), config(Map.of("decay_ms", 1.5, "default_rtt_ms", 0.25)));
    assertEquals(new BalancerConfig(0.2, 10, 2_000_000_000L, 7_000_000L), config(Map.of("decay_ms", 2000, "default_rtt_ms", 7L)));
  }

  @Test
  void zeroIsAllowedExceptForTheDecay() {
    assertEquals(new BalancerConfig(0.0, 0, 10_000_000_000L, 0L),
        config(Map.of("retry_budget_ratio", 0.0, "min_retries_per_second", 0.0, "default_rtt_ms", 0.0)));
    assertTrue(error(Map.of("decay_ms", 0.0)).contains("decay_ms (> 0)"));
  }

  @Test
  void aNegativeValueIsAnError() {
    error(Map.of("decay_ms", -1.0));
    error(Map.of("default_rtt_ms", -5.0));
    error(Map.of("retry_budget_ratio", -0.1));
    error(Map.of("min_retries_per_second", -1.0));
  }

  @Test
  void aValueThatIsNotANumberIsAnError() {
    error(Map.of("decay_ms", "5s"));
    error(Map.of("default_rtt_ms", true));
    error(Map.of("retry_budget_ratio", "20%"));
    error(Map.of("decay_ms", Map.of("ms", 5.0)));
  }

  @Test
  void anUnknownFieldIsNamed() {
    assertEquals(POLICY + ": unknown config field 'ratio' (known: " + BalancerConfig.FIELDS + ")",
        error(Map.of("ratio", 0.5)));
  }
}
