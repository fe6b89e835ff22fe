package dev.fulcrum.controlplane.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fulcrum.contract.stats.BackendStats;
import dev.fulcrum.contract.stats.InboundStats;
import dev.fulcrum.contract.stats.ProxyStats;
import dev.fulcrum.contract.stats.ServiceStats;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatsAggregatorTest {
  private static final String SVC = "svc.test:50051";
  private static final long SECOND = 1_000_000_000L;
  private final StatsAggregator aggregator = new StatsAggregator();

  private static ProxyStats stats(BackendStats... backends) {
    return ProxyStats.newBuilder()
        .addServices(ServiceStats.newBuilder().setService(SVC).addAllBackends(List.of(backends)))
        .build();
  }

  private static BackendStats backend(String name, long requests, long failures, double p50, double p99) {
    return BackendStats.newBuilder().setBackend(name).setRequests(requests).setFailures(failures)
        .setP50Ms(p50).setP99Ms(p99).build();
  }

  private static ProxyPoll polled(String node, long t0, ProxyStats first, long t1, ProxyStats second) {
    return ProxyPoll.connected(new ConnectedProxy(node, node + ":9990"))
        .answered(new ProxyPoll.Sample(t0, first))
        .answered(new ProxyPoll.Sample(t1, second));
  }

  private static MeshStats.Backend only(MeshStats stats, String backend) {
    return stats.services().get(0).backends().stream()
        .filter(b -> b.backend().equals(backend)).findFirst().orElseThrow();
  }

  @Test
  void ratesComeFromTheDifferenceBetweenTwoPolls() {
    ProxyPoll poll = polled("p1", 10 * SECOND, stats(backend("a:1", 100, 0, 1, 2)),
        12 * SECOND, stats(backend("a:1", 150, 5, 1, 2)));
    MeshStats.Backend row = only(aggregator.aggregate(List.of(poll)), "a:1");
    assertEquals(25.0, row.rps()); // 50 calls in 2 s
    assertEquals(0.9, row.successRate()); // 45 of the 50 new calls succeeded
    assertEquals(150, row.requests());
    assertEquals(5, row.failures());
  }

  @Test
  void aBackendAnyProxyReachedOverMtlsShowsItsIdentity() {
    BackendStats meshed = backend("a:4143", 10, 0, 1, 2).toBuilder()
        .setTls(true).setIdentity("spiffe://cluster.local/ns/default/sa/echo-v1").build();
    ProxyPoll plainProxy = ProxyPoll.connected(new ConnectedProxy("p1", "p1:9990"))
        .answered(new ProxyPoll.Sample(SECOND, stats(backend("a:4143", 5, 0, 1, 2), backend("b:7002", 5, 0, 1, 2))));
    ProxyPoll meshedProxy = ProxyPoll.connected(new ConnectedProxy("p2", "p2:9990"))
        .answered(new ProxyPoll.Sample(SECOND, stats(meshed)));
    MeshStats stats = aggregator.aggregate(List.of(plainProxy, meshedProxy));
    MeshStats.Backend row = only(stats, "a:4143");
    assertEquals(true, row.tls());
    assertEquals("spiffe://cluster.local/ns/default/sa/echo-v1", row.identity());
    assertEquals(false, only(stats, "b:7002").tls());
    assertEquals("", only(stats, "b:7002").identity());
  }

  @Test
  void oneAnswerGivesCountsButNoRateYet() {
    ProxyPoll poll = ProxyPoll.connected(new ConnectedProxy("p1", "p1:9990"))
        .answered(new ProxyPoll.Sample(SECOND, stats(backend("a:1", 100, 1, 1, 2))));
    MeshStats.Backend row = only(aggregator.aggregate(List.of(poll)), "a:1");
    assertEquals(0.0, row.rps());
    assertNull(row.successRate(), "no calls in a window yet: unknown, not 100%");
    assertEquals(100, row.requests());
  }

  @Test
  void aBackendNewSinceThePreviousPollCountsFromZero() {
    ProxyPoll poll = polled("p1", 0, ProxyStats.getDefaultInstance(), SECOND, stats(backend("a:1", 7, 0, 1, 2)));
    assertEquals(7.0, only(aggregator.aggregate(List.of(poll)), "a:1").rps());
  }

  @Test
  void aRestartedProxyCountsEverythingItHasAsNew() {
    ProxyPoll poll = polled("p1", 0, stats(backend("a:1", 1000, 10, 1, 2)),
        2 * SECOND, stats(backend("a:1", 40, 2, 1, 2)));
    MeshStats.Backend row = only(aggregator.aggregate(List.of(poll)), "a:1");
    assertEquals(20.0, row.rps());
    assertEquals(0.95, row.successRate());
  }

  @Test
  void severalProxiesRowsForOneBackendAreMerged() {
    ProxyPoll p1 = polled("p1", 0, stats(backend("a:1", 0, 0, 0, 0)),
        2 * SECOND, stats(backend("a:1", 300, 0, 1.0, 4.0), backend("b:1", 10, 0, 1, 1)));
    ProxyPoll p2 = polled("p2", 0, stats(backend("a:1", 0, 0, 0, 0)),
        SECOND, stats(backend("a:1", 100, 10, 3.0, 9.0)));
    MeshStats stats = aggregator.aggregate(List.of(p1, p2));
    assertEquals(1, stats.services().size());
    MeshStats.Backend a = only(stats, "a:1");
    assertEquals(250.0, a.rps()); // 150/s + 100/s
    assertEquals(390.0 / 400, a.successRate());
    assertEquals(400, a.requests());
    assertEquals(10, a.failures());
    assertEquals(1.5, a.p50Ms()); // (300 x 1.0 + 100 x 3.0) / 400
    assertEquals(9.0, a.p99Ms()); // the highest: an upper bound of the merged p99
    assertEquals(2, a.proxies());
    assertEquals(1, only(stats, "b:1").proxies());
  }

  @Test
  void aProxyThatStoppedAnsweringKeepsItsCountsButAddsNoRate() {
    ProxyPoll poll = polled("p1", 0, stats(backend("a:1", 0, 0, 1, 2)),
        SECOND, stats(backend("a:1", 100, 0, 1, 2))).failed("HttpConnectTimeoutException");
    MeshStats stats = aggregator.aggregate(List.of(poll));
    MeshStats.Backend row = only(stats, "a:1");
    assertEquals(0.0, row.rps());
    assertEquals(100, row.requests());
    assertEquals(new MeshStats.Proxy("p1", "p1:9990", "not answering", "HttpConnectTimeoutException"),
        stats.proxies().get(0));
  }

  @Test
  void proxiesAreListedWithTheirState() {
    ProxyPoll fresh = ProxyPoll.connected(new ConnectedProxy("b", "b:1"));
    ProxyPoll up = fresh.answered(new ProxyPoll.Sample(SECOND, ProxyStats.getDefaultInstance()));
    MeshStats stats = aggregator.aggregate(List.of(
        ProxyPoll.connected(new ConnectedProxy("b", "b:1")),
        new ProxyPoll(new ConnectedProxy("a", "a:1"), Optional.empty(), up.latest(), Optional.empty())));
    assertEquals(List.of(
        new MeshStats.Proxy("a", "a:1", "answering", null),
        new MeshStats.Proxy("b", "b:1", "not polled yet", null)), stats.proxies());
    assertEquals(List.of(), stats.services());
  }

  @Test
  void theMeshStatsHaveAServerPerInboundIdentity() {
    ProxyStats inbound = stats(backend("a:1", 1, 0, 1, 2)).toBuilder()
        .setInbound(InboundStats.newBuilder().setIdentity("default/echo").setAllowed(3)).build();
    ProxyPoll poll = ProxyPoll.connected(new ConnectedProxy("p1", "p1:9990"))
        .answered(new ProxyPoll.Sample(SECOND, inbound));
    assertEquals(List.of(new MeshStats.Server("default/echo", 3, 0, 0, 1, List.of())),
        aggregator.aggregate(List.of(poll)).servers());
  }

  @Test
  void aLateAnswerToAnOlderPollIsIgnored() {
    ProxyPoll poll = polled("p1", 0, stats(backend("a:1", 10, 0, 1, 2)),
        2 * SECOND, stats(backend("a:1", 30, 0, 1, 2)))
        .answered(new ProxyPoll.Sample(SECOND, stats(backend("a:1", 20, 0, 1, 2))));
    assertEquals(10.0, only(aggregator.aggregate(List.of(poll)), "a:1").rps());
  }
}
