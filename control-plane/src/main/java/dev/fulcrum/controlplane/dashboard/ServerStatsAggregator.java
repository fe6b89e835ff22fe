package dev.fulcrum.controlplane.dashboard;

import dev.fulcrum.contract.stats.InboundStats;
import dev.fulcrum.contract.stats.PolicyStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the inbound side of each proxy's last answer into one row per server: proxies reporting
 * the same identity are replicas of one workload, so their counts are summed, overall and per
 * policy (pure: no clock, no I/O). Proxies without an inbound side, or from before it was reported,
 * add nothing.
 *
 * <p>Bounds: there are at most as many servers as polled proxies (each reports one identity), and
 * each server has at most {@link #POLICY_ROWS} policy rows plus one {@link MeshStats.Policy#OTHERS}
 * row summing the rest, so however many policies a misbehaving proxy reports, a server's rows stay
 * few.
 */
final class ServerStatsAggregator {
  /** The policies shown by name per server, those that decided the most calls. */
  static final int POLICY_ROWS = 10;

  /** Sums over the proxies of one server, or of one policy of it. */
  private static final class Sum {
    long allowed;
    long denied;
    long auditDenied;
    int proxies;

    void add(long allowed, long denied, long auditDenied) {
      this.allowed += allowed;
      this.denied += denied;
      this.auditDenied += auditDenied;
    }

    /** What ranks a policy: every call it decided, whichever way. */
    long calls() {
      return allowed + denied + auditDenied;
    }
  }

  List<MeshStats.Server> aggregate(List<ProxyPoll> polls) {
    Map<String, Sum> servers = new TreeMap<>();
    Map<String, Map<String, Sum>> policies = new HashMap<>();
    for (ProxyPoll poll : polls) {
      // A proxy that stopped answering keeps its last counts, as its services do.
      if (poll.latest().isEmpty() || !poll.latest().get().stats().hasInbound()) {
        continue;
      }
      InboundStats inbound = poll.latest().get().stats().getInbound();
      if (inbound.getIdentity().isEmpty()) {
        continue; // no inbound side
      }
      Sum server = servers.computeIfAbsent(inbound.getIdentity(), identity -> new Sum());
      server.add(inbound.getAllowed(), inbound.getDenied(), inbound.getAuditDenied());
      server.proxies++;
      Map<String, Sum> byPolicy = policies.computeIfAbsent(inbound.getIdentity(), identity -> new HashMap<>());
      for (PolicyStats policy : inbound.getPoliciesList()) {
        byPolicy.computeIfAbsent(policy.getPolicy(), name -> new Sum())
            .add(policy.getAllowed(), policy.getDenied(), policy.getAuditDenied());
      }
    }
    List<MeshStats.Server> rows = new ArrayList<>();
    servers.forEach((identity, sum) -> rows.add(new MeshStats.Server(identity, sum.allowed, sum.denied,
        sum.auditDenied, sum.proxies, bounded(policies.get(identity)))));
    return rows;
  }

  /** The {@link #POLICY_ROWS} policies with the most calls, most first, then one row for the rest. */
  private static List<MeshStats.Policy> bounded(Map<String, Sum> byPolicy) {
    List<Map.Entry<String, Sum>> ranked = new ArrayList<>(byPolicy.entrySet());
    ranked.sort(Comparator.comparingLong((Map.Entry<String, Sum> e) -> e.getValue().calls()).reversed()
        .thenComparing(Map.Entry::getKey));
    List<MeshStats.Policy> rows = new ArrayList<>();
    Sum others = new Sum();
    for (int i = 0; i < ranked.size(); i++) {
      Sum sum = ranked.get(i).getValue();
      if (i < POLICY_ROWS) {
        rows.add(new MeshStats.Policy(ranked.get(i).getKey(), sum.allowed, sum.denied, sum.auditDenied));
      } else {
        others.add(sum.allowed, sum.denied, sum.auditDenied);
      }
    }
    if (ranked.size() > POLICY_ROWS) {
      rows.add(new MeshStats.Policy(MeshStats.Policy.OTHERS, others.allowed, others.denied, others.auditDenied));
    }
    return rows;
  }
}
