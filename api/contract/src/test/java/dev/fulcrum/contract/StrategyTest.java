package dev.fulcrum.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StrategyTest {

  @Test
  void theNamesUsersWriteAndTheNamesOnTheWire() {
    // Links already applied and proxies already running use these: renaming one is a breaking change.
    assertEquals(List.of("round-robin", "least-loaded", "random", "peak-ewma"),
        Arrays.stream(Strategy.values()).map(Strategy::yamlName).toList());
    assertEquals(List.of("fulcrum.round_robin", "fulcrum.least_loaded", "fulcrum.random", "fulcrum.peak_ewma"),
        Arrays.stream(Strategy.values()).map(Strategy::policyName).toList());
  }

  @Test
  void aPlainGrpcClientGetsTheClosestBuiltIn() {
    assertEquals(Strategy.BuiltIn.ROUND_ROBIN, Strategy.ROUND_ROBIN.fallback());
    assertEquals(Strategy.BuiltIn.ROUND_ROBIN, Strategy.RANDOM.fallback());
    assertEquals(Strategy.BuiltIn.LEAST_REQUEST, Strategy.LEAST_LOADED.fallback());
    assertEquals(Strategy.BuiltIn.LEAST_REQUEST, Strategy.PEAK_EWMA.fallback());
  }

  @Test
  void readFromTheirYamlNames() {
    for (Strategy strategy : Strategy.values()) {
      assertEquals(Optional.of(strategy), Strategy.fromYaml(strategy.yamlName()));
    }
    assertEquals(Optional.empty(), Strategy.fromYaml("ROUND_ROBIN"));
    assertEquals(Optional.empty(), Strategy.fromYaml("fastest"));
    assertEquals("round-robin, least-loaded, random, peak-ewma", Strategy.choices());
  }
}
