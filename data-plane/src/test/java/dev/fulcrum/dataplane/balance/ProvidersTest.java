package dev.fulcrum.dataplane.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.BalancingConfig;
import dev.fulcrum.contract.Strategy;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.NameResolver.ConfigOrError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the strategy providers share: names, registration, config parsing. */
class ProvidersTest {
  private static final List<FulcrumLoadBalancerProvider> PROVIDERS = List.of(
      new RoundRobinProvider(), new LeastLoadedProvider(), new RandomProvider(), new PeakEwmaProvider());

  @Test
  void policyNames() {
    assertEquals("fulcrum.round_robin", new RoundRobinProvider().getPolicyName());
    assertEquals("fulcrum.least_loaded", new LeastLoadedProvider().getPolicyName());
    assertEquals("fulcrum.random", new RandomProvider().getPolicyName());
    assertEquals("fulcrum.peak_ewma", new PeakEwmaProvider().getPolicyName());
  }

  @Test
  void theDefaultRegistryFindsEachThroughServiceLoader() {
    LoadBalancerRegistry registry = LoadBalancerRegistry.getDefaultRegistry();

    assertInstanceOf(RoundRobinProvider.class, registry.getProvider("fulcrum.round_robin"));
    assertInstanceOf(LeastLoadedProvider.class, registry.getProvider("fulcrum.least_loaded"));
    assertInstanceOf(RandomProvider.class, registry.getProvider("fulcrum.random"));
    assertInstanceOf(PeakEwmaProvider.class, registry.getProvider("fulcrum.peak_ewma"));
  }

  @Test
  void everyStrategyTheControlPlaneCanSendHasAProvider() {
    // A strategy added to the contract without a provider registered here would fail every call.
    LoadBalancerRegistry registry = LoadBalancerRegistry.getDefaultRegistry();
    for (Strategy strategy : Strategy.values()) {
      LoadBalancerProvider provider = registry.getProvider(strategy.policyName());
      assertInstanceOf(FulcrumLoadBalancerProvider.class, provider, strategy.policyName());
      assertEquals(Choice.of(strategy), ((FulcrumLoadBalancerProvider) provider).choice(), strategy.policyName());
    }
  }

  @Test
  void grpcsOwnPoliciesAreStillThere() {
    // Registering Fulcrum's policies must not hide the built-ins the control plane falls back to.
    LoadBalancerRegistry registry = LoadBalancerRegistry.getDefaultRegistry();

    assertEquals("round_robin", registry.getProvider("round_robin").getPolicyName());
    assertEquals("pick_first", registry.getProvider("pick_first").getPolicyName());
  }

  @Test
  void eachIsAvailable() {
    for (LoadBalancerProvider provider : PROVIDERS) {
      assertTrue(provider.isAvailable(), provider.getPolicyName());
      assertEquals(5, provider.getPriority(), provider.getPolicyName());
    }
  }

  @Test
  void anEmptyConfigIsTheDefaultConfig() {
    for (LoadBalancerProvider provider : PROVIDERS) {
      ConfigOrError result = provider.parseLoadBalancingPolicyConfig(Map.of());
      assertNull(result.getError(), provider.getPolicyName());
      assertEquals(BalancingConfig.DEFAULT, result.getConfig(), provider.getPolicyName());
    }
  }

  @Test
  void anUnknownFieldIsAnErrorNamingIt() {
    for (LoadBalancerProvider provider : PROVIDERS) {
      ConfigOrError result = provider.parseLoadBalancingPolicyConfig(Map.of("choices", 3.0));
      assertNotNull(result.getError(), provider.getPolicyName());
      assertNull(result.getConfig(), provider.getPolicyName());
      String description = result.getError().getDescription();
      assertTrue(description.contains("'choices'"), description);
      assertTrue(description.startsWith(provider.getPolicyName() + ": "), description);
    }
  }

  @Test
  void anUnknownFieldBesideKnownOnesIsStillAnError() {
    ConfigOrError result = new PeakEwmaProvider().parseLoadBalancingPolicyConfig(Map.of("decay_ms", 5000.0, "decay", 1.0));

    assertNotNull(result.getError());
    assertNull(result.getConfig());
    assertTrue(result.getError().getDescription().contains("'decay'"), result.getError().getDescription());
  }

  @Test
  void peakEwmaParsesItsTuningIntoNanoseconds() {
    ConfigOrError result = new PeakEwmaProvider().parseLoadBalancingPolicyConfig(
        Map.of("decay_ms", 5000.0, "default_rtt_ms", 10.0));

    assertNull(result.getError());
    BalancingConfig config = (BalancingConfig) result.getConfig();
    assertEquals(Duration.ofSeconds(5), config.decay());
    assertEquals(Duration.ofMillis(10), config.defaultRtt());
  }

  @Test
  void peakEwmaRejectsANegativeOrNonNumericTuning() {
    PeakEwmaProvider provider = new PeakEwmaProvider();
    for (Map<String, ?> bad : List.of(Map.of("decay_ms", -1.0), Map.of("default_rtt_ms", -5.0),
        Map.of("decay_ms", "5s"), Map.of("default_rtt_ms", true), Map.of("decay_ms", 0.0))) {
      ConfigOrError result = provider.parseLoadBalancingPolicyConfig(bad);
      assertNotNull(result.getError(), bad.toString());
      assertTrue(result.getError().getDescription().startsWith("fulcrum.peak_ewma: "), result.getError().getDescription());
    }
  }
}
