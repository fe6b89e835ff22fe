package dev.fulcrum.dataplane.telemetry;

import dev.fulcrum.contract.stats.InboundStats;
import dev.fulcrum.contract.stats.PolicyStats;
import dev.fulcrum.dataplane.ProxyConfig;
import dev.fulcrum.dataplane.authz.Decision;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * What the inbound side's authorization decided, counted by decision and policy:
 * {@code fulcrum_inbound_authorizations_total{authz="allow|deny|audit-deny", policy="..."}}, and
 * the same totals for {@code /stats}. Policy names come from the control plane; the first
 * {@link #MAX_POLICIES} are labelled as they are, later ones {@link CappedLabels#OTHER}, so that
 * no policy churn grows the series without bound. Counted whether or not metrics are on: they are
 * the record of what was refused.
 */
@Singleton
public final class InboundAuthorizations {
  static final String METRIC = "fulcrum.inbound.authorizations";
  /** A server is selected by a few Authorizations, not hundreds (combined names count one each). */
  static final int MAX_POLICIES = 200;

  private final MeterRegistry registry;
  private final Optional<String> identity;
  private final CappedLabels policies = new CappedLabels(MAX_POLICIES);
  private final ConcurrentMap<Key, AtomicLong> counts = new ConcurrentHashMap<>();

  private record Key(Decision.Authz authz, String policy) {}

  @Inject
  public InboundAuthorizations(ProxyConfig config, ProxyTelemetry telemetry) {
    this.registry = telemetry.registry();
    this.identity = config.inbound().isPresent() ? config.identity().map(ProxyConfig.Identity::workload) : Optional.empty();
  }

  /** Counts {@code decision}; returns how many of its kind (decision and policy label) there have been, this one included. */
  public long record(Decision decision) {
    return counts.computeIfAbsent(new Key(decision.authz(), policies.of(decision.policy())), this::counter)
        .incrementAndGet();
  }

  private AtomicLong counter(Key key) {
    AtomicLong count = new AtomicLong();
    FunctionCounter.builder(METRIC, count, AtomicLong::get)
        .description("Inbound calls the authorization policy decided: allowed, refused, or let through in audit mode"
            + " though the policy would refuse them; by the policy that decided")
        .tags("authz", key.authz().label(), "policy", key.policy())
        .register(registry);
    return count;
  }

  /** The inbound side's part of {@code /stats}: totals, and per policy (sorted by name); empty without one. */
  public Optional<InboundStats> stats() {
    if (identity.isEmpty()) {
      return Optional.empty();
    }
    InboundStats.Builder totals = InboundStats.newBuilder().setIdentity(identity.get());
    Map<String, PolicyStats.Builder> perPolicy = new TreeMap<>();
    counts.forEach((key, count) -> {
      long n = count.get();
      PolicyStats.Builder policy = perPolicy.computeIfAbsent(key.policy(), name -> PolicyStats.newBuilder().setPolicy(name));
      switch (key.authz()) {
        case ALLOW -> {
          totals.setAllowed(totals.getAllowed() + n);
          policy.setAllowed(policy.getAllowed() + n);
        }
        case DENY -> {
          totals.setDenied(totals.getDenied() + n);
          policy.setDenied(policy.getDenied() + n);
        }
        case AUDIT_DENY -> {
          totals.setAuditDenied(totals.getAuditDenied() + n);
          policy.setAuditDenied(policy.getAuditDenied() + n);
        }
      }
    });
    perPolicy.values().forEach(totals::addPolicies);
    return Optional.of(totals.build());
  }
}
