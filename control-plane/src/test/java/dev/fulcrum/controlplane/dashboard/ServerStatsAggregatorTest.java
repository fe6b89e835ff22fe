package dev.fulcrum.controlplane.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fulcrum.contract.stats.BackendStats;
import dev.fulcrum.contract.stats.InboundStats;
import dev.fulcrum.contract.stats.PolicyStats;
import dev.fulcrum.contract.stats.ProxyStats;
import dev.fulcrum.contract.stats.ServiceStats;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ServerStatsAggregatorTest {
  private static final long SECOND = 1_000_000_000L;
  private final ServerStatsAggregator aggregator = new ServerStatsAggregator();

  private static PolicyStats policy(String name, long allowed, long denied, long auditDenied) {
    return PolicyStats.newBuilder().setPolicy(name).setAllowed(allowed).setDenied(denied)
        .setAuditDenied(auditDenied).build();
  }

  /** An inbound side whose totals are the sums of its policies, as a proxy reports them. */
  private static ProxyStats inbound(String identity, PolicyStats... policies) {
    InboundStats.Builder inbound = InboundStats.newBuilder().setIdentity(identity);
    for (PolicyStats p : policies) {
      inbound.addPolicies(p)
          .setAllowed(inbound.getAllowed() + p.getAllowed())
          .setDenied(inbound.getDenied() + p.getDenied())
          .setAuditDenied(inbound.getAuditDenied() + p.getAuditDenied());
    }
    return ProxyStats.newBuilder().setInbound(inbound).build();
  }

  private static ProxyPoll answered(String node, ProxyStats stats) {
    return ProxyPoll.connected(new ConnectedProxy(node, node + ":9990"))
        .answered(new ProxyPoll.Sample(SECOND, stats));
  }

  @Test
  void replicasOfOneIdentityAreOneServerWithTheirCountsSummedPerPolicy() {
    List<MeshStats.Server> servers = aggregator.aggregate(List.of(
        answered("echo-a", inbound("default/echo",
            policy("default/echo-callers", 100, 0, 0), policy("default:deny", 0, 5, 0))),
        answered("web", inbound("shop/web", policy("default:allow", 7, 0, 0))),
        answered("echo-b", inbound("default/echo",
            policy("default/echo-callers", 50, 0, 2), policy("default/audit-all", 3, 0, 3)))));
    assertEquals(List.of(
        new MeshStats.Server("default/echo", 153, 5, 5, 2, List.of(
            new MeshStats.Policy("default/echo-callers", 150, 0, 2),
            new MeshStats.Policy("default/audit-all", 3, 0, 3),
            new MeshStats.Policy("default:deny", 0, 5, 0))),
        new MeshStats.Server("shop/web", 7, 0, 0, 1, List.of(new MeshStats.Policy("default:allow", 7, 0, 0)))),
        servers);
  }

  @Test
  void proxiesWithoutAnInboundSideAddNothing() {
    ProxyStats outboundOnly = ProxyStats.newBuilder()
        .addServices(ServiceStats.newBuilder().setService("svc:1")
            .addBackends(BackendStats.newBuilder().setBackend("a:1").setRequests(10)))
        .build();
    ProxyStats noIdentity = ProxyStats.newBuilder().setInbound(InboundStats.newBuilder().setAllowed(3)).build();
    List<MeshStats.Server> servers = aggregator.aggregate(List.of(
        answered("before-this-change", outboundOnly),
        answered("no-inbound", noIdentity),
        ProxyPoll.connected(new ConnectedProxy("not-polled", "n:9990")),
        answered("echo", inbound("default/echo", policy("default:allow", 1, 0, 0)))));
    assertEquals(List.of("default/echo"), servers.stream().map(MeshStats.Server::identity).toList());
    assertEquals(List.of(), aggregator.aggregate(List.of(answered("before-this-change", outboundOnly))));
  }

  @Test
  void aServerThatStoppedAnsweringKeepsItsLastCounts() {
    ProxyPoll gone = answered("echo", inbound("default/echo", policy("default:allow", 4, 0, 0)))
        .failed("HttpConnectTimeoutException");
    assertEquals(4, aggregator.aggregate(List.of(gone)).get(0).allowed());
  }

  @Test
  void aServerKeepsItsBusiestPoliciesByNameAndSumsTheRestInOneRow() {
    int many = ServerStatsAggregator.POLICY_ROWS + 5;
    // policy-i decided i + 1 calls: the busiest are the last ones.
    PolicyStats[] policies = IntStream.range(0, many)
        .mapToObj(i -> policy("ns/policy-" + i, i + 1, 0, 0)).toArray(PolicyStats[]::new);
    MeshStats.Server server = aggregator.aggregate(List.of(answered("echo", inbound("default/echo", policies)))).get(0);

    assertEquals(ServerStatsAggregator.POLICY_ROWS + 1, server.policies().size());
    List<String> named = new ArrayList<>();
    for (int i = many - 1; i >= many - ServerStatsAggregator.POLICY_ROWS; i--) {
      named.add("ns/policy-" + i);
    }
    assertEquals(named, server.policies().subList(0, ServerStatsAggregator.POLICY_ROWS).stream()
        .map(MeshStats.Policy::policy).toList());
    // The 5 quietest, 1 + 2 + 3 + 4 + 5 calls, are one row.
    assertEquals(new MeshStats.Policy(MeshStats.Policy.OTHERS, 15, 0, 0), server.policies().get(many - 5));
    assertEquals(server.allowed(), server.policies().stream().mapToLong(MeshStats.Policy::allowed).sum());
  }

  @Test
  void aServerWithNoMorePoliciesThanTheBoundHasNoOtherRow() {
    PolicyStats[] policies = IntStream.range(0, ServerStatsAggregator.POLICY_ROWS)
        .mapToObj(i -> policy("ns/policy-" + i, 1, 0, 0)).toArray(PolicyStats[]::new);
    MeshStats.Server server = aggregator.aggregate(List.of(answered("echo", inbound("default/echo", policies)))).get(0);
    assertEquals(ServerStatsAggregator.POLICY_ROWS, server.policies().size());
    // Equal calls: by name.
    assertEquals("ns/policy-0", server.policies().get(0).policy());
  }
}
