package dev.fulcrum.controlplane.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fulcrum.contract.NodeMetadata;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The poller against real HTTP servers: one answering, one hanging, one not listening. */
class ProxyStatsCollectorTest {
  private final ConnectedProxies proxies = new ConnectedProxies();
  private final ProxyStatsCollector collector = new ProxyStatsCollector(proxies);
  private HttpServer answering;
  private HttpServer hanging;

  @AfterEach
  void stop() {
    collector.close();
    answering.stop(0);
    hanging.stop(0);
  }

  private void connect(long stream, String node, String admin) {
    proxies.onV3StreamRequest(stream, DiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId(node)
        .setMetadata(new NodeMetadata("127.0.0.1:15001", admin).toStruct())).build());
  }

  @Test
  void pollsEveryProxyAndMarksTheOnesThatDoNotAnswer() throws Exception {
    AtomicLong requests = new AtomicLong();
    answering = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    answering.createContext("/stats", exchange -> {
      byte[] body = ("{\"services\":[{\"service\":\"svc:1\",\"backends\":[{\"backend\":\"b:1\",\"requests\":"
          + requests.addAndGet(10) + ",\"failures\":0,\"p50_ms\":1.0,\"p99_ms\":2.0}]}]}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    answering.start();
    hanging = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hanging.createContext("/stats", exchange -> {
      try {
        Thread.sleep(30_000); // the hanging proxy itself: it never answers in time
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    hanging.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    hanging.start();
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    connect(1, "up", "127.0.0.1:" + answering.getAddress().getPort());
    connect(2, "hung", "127.0.0.1:" + hanging.getAddress().getPort());
    connect(3, "down", "127.0.0.1:" + closedPort);

    collector.start();
    awaitPolls(polls -> polls.get("up").previous().isPresent()
        && polls.get("hung").error().isPresent() && polls.get("down").error().isPresent());

    Map<String, ProxyPoll> polls = byNode();
    assertTrue(polls.get("up").answering());
    assertEquals(10, StatsAggregator.find(polls.get("up").latest().orElseThrow().stats(), "svc:1", "b:1").getRequests()
        - StatsAggregator.find(polls.get("up").previous().orElseThrow().stats(), "svc:1", "b:1").getRequests());
    assertTrue(polls.get("hung").error().get().contains("Timeout"), polls.get("hung").error().get());
    assertTrue(polls.get("down").error().get().contains("Connect"), polls.get("down").error().get());

    proxies.onStreamClose(3, "");
    awaitPolls(p -> !p.containsKey("down"));
    assertEquals(List.of("hung", "up"), collector.polls().stream().map(p -> p.proxy().name()).toList());
  }

  private Map<String, ProxyPoll> byNode() {
    return collector.polls().stream().collect(Collectors.toMap(p -> p.proxy().name(), p -> p));
  }

  /** Waits up to 10 s: polls come every 2 s, and a hanging proxy must not hold up the others. */
  private void awaitPolls(Predicate<Map<String, ProxyPoll>> condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      Map<String, ProxyPoll> polls = byNode();
      if (polls.size() >= 2 && condition.test(polls)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("polls did not get there: " + polls);
      }
      Thread.sleep(50); // the poll interval of this wait
    }
  }
}
