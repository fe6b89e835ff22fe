package dev.fulcrum.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalancingConfigTest {

  private static BalancingConfig config(double ratio, int minPerSecond, long decayMs, double rttMs) {
    return new BalancingConfig(ratio, minPerSecond, Duration.ofMillis(decayMs), Duration.ofNanos((long) (rttMs * 1e6)));
  }

  private static String error(Map<String, ?> raw) {
    return assertThrows(IllegalArgumentException.class, () -> BalancingConfig.parse(raw), raw::toString).getMessage();
  }

  /** What grpc hands a policy for a TypedStruct: the Struct as JSON values (numbers as Double). */
  private static Map<String, Object> asGrpcJson(Struct struct) {
    Map<String, Object> json = new LinkedHashMap<>();
    struct.getFieldsMap().forEach((field, value) -> json.put(field, value.getNumberValue()));
    return json;
  }

  @Test
  void whatTheControlPlaneWritesTheProxyReadsBack() {
    for (BalancingConfig config : List.of(BalancingConfig.DEFAULT, BalancingConfig.withRetryBudget(0.35),
        config(0, 0, 1, 0.25), config(1, 50, 60_000, 7))) {
      assertEquals(config, BalancingConfig.parse(asGrpcJson(config.toStruct())));
    }
  }

  @Test
  void theWireNamesAreTheOnesDeployedProxiesRead() {
    // Renaming a field breaks every proxy already running: these are the contract as deployed.
    assertEquals(Map.of("retry_budget_ratio", Value.newBuilder().setNumberValue(0.2).build(),
            "min_retries_per_second", Value.newBuilder().setNumberValue(10).build(),
            "decay_ms", Value.newBuilder().setNumberValue(10_000).build(),
            "default_rtt_ms", Value.newBuilder().setNumberValue(30).build()),
        BalancingConfig.DEFAULT.toStruct().getFieldsMap());
  }

  @Test
  void theDefaultsAreLinkerdsAndFillWhatIsLeftOut() {
    assertEquals(config(0.2, 10, 10_000, 30), BalancingConfig.DEFAULT);
    assertEquals(BalancingConfig.DEFAULT, BalancingConfig.parse(Map.of()));
    assertEquals(config(0.5, 10, 10_000, 30), BalancingConfig.parse(Map.of("retry_budget_ratio", 0.5)));
    assertEquals(config(0.2, 3, 10_000, 30), BalancingConfig.parse(Map.of("min_retries_per_second", 3.0)));
    assertEquals(config(0.2, 10, 5_000, 30), BalancingConfig.parse(Map.of("decay_ms", 5000.0)));
    assertEquals(config(0.2, 10, 10_000, 10), BalancingConfig.parse(Map.of("default_rtt_ms", 10.0)));
  }

  @Test
  void fractionsOfAMillisecondAndIntegers() {
    assertEquals(new BalancingConfig(0.2, 10, Duration.ofNanos(1_500_000), Duration.ofNanos(250_000)),
        BalancingConfig.parse(Map.of("decay_ms", 1.5, "default_rtt_ms", 0.25)));
    assertEquals(config(0.2, 10, 2_000, 7), BalancingConfig.parse(Map.of("decay_ms", 2000, "default_rtt_ms", 7L)));
  }

  @Test
  void zeroIsAllowedExceptForTheDecay() {
    assertEquals(config(0, 0, 10_000, 0),
        BalancingConfig.parse(Map.of("retry_budget_ratio", 0.0, "min_retries_per_second", 0.0, "default_rtt_ms", 0.0)));
    assertTrue(error(Map.of("decay_ms", 0.0)).startsWith("decay_ms: "));
  }

  @Test
  void aNegativeOrNonNumericValueIsAnErrorNamingTheField() {
    assertTrue(error(Map.of("decay_ms", -1.0)).startsWith("decay_ms: "));
    assertTrue(error(Map.of("default_rtt_ms", -5.0)).startsWith("default_rtt_ms: "));
    assertTrue(error(Map.of("retry_budget_ratio", -0.1)).startsWith("retry_budget_ratio: "));
    assertTrue(error(Map.of("min_retries_per_second", -1.0)).startsWith("min_retries_per_second: "));
    assertTrue(error(Map.of("decay_ms", "5s")).startsWith("decay_ms: "));
    assertTrue(error(Map.of("default_rtt_ms", true)).startsWith("default_rtt_ms: "));
    assertTrue(error(Map.of("retry_budget_ratio", "20%")).startsWith("retry_budget_ratio: "));
  }

  @Test
  void anUnknownFieldIsNamedWithTheKnownOnes() {
    assertEquals("unknown config field 'ratio' (known: [decay_ms, default_rtt_ms, min_retries_per_second, retry_budget_ratio])",
        error(Map.of("ratio", 0.5)));
    assertTrue(error(Map.of("decay_ms", 5000.0, "decay", 1.0)).contains("'decay'"));
  }
}
