package dev.fulcrum.dataplane;

import static dev.fulcrum.dataplane.authz.TestPolicies.allowing;
import static dev.fulcrum.dataplane.authz.TestPolicies.enforcing;
import static dev.fulcrum.dataplane.authz.TestPolicies.listener;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.contract.NodeMetadata;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.authz.InboundListenerName;
import dev.fulcrum.contract.stats.InboundStats;
import dev.fulcrum.contract.stats.PolicyStats;
import dev.fulcrum.contract.stats.StatsJson;
import dev.fulcrum.dataplane.authz.TestAdsServer;
import dev.fulcrum.dataplane.forward.TestApp;
import dev.fulcrum.dataplane.identity.TestCa;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole proxy with an inbound side, wired as it runs: it asks the control plane for its inbound
 * policy, listens only once it has it, is ready only then, enforces it, keeps it while the control
 * plane is gone, and reports its decisions in /stats and /metrics.
 */
class ProxyInboundPolicyTest {
  private static final String ECHO = "fulcrum.echo.v1.EchoService";

  @TempDir
  Path identityDir;

  private static HttpResponse<String> get(String admin, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + admin + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Status echo(int port, ChannelCredentials credentials) throws InterruptedException {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
    try {
      EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .echo(EchoRequest.newBuilder().setMessage("hello").build());
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void theInboundSideListensOnceItHasItsPolicyEnforcesItKeepsItAndReportsIt() throws Exception {
    TestCa ca = new TestCa();
    try (TestAdsServer controlPlane = TestAdsServer.start(ca.identityService()); TestApp app = new TestApp()) {
      int inboundPort = freePort();
      ProxyConfig config = ProxyConfig.local(0, controlPlane.address(), Optional.empty(), "node-1")
          .withIdentity(new ProxyConfig.Identity("default/echo", Optional.of(identityDir), Optional.empty()))
          .withInbound(new ProxyConfig.Inbound(new InetSocketAddress("127.0.0.1", inboundPort), app.port(), InboundTls.STRICT,
              Optional.of(DefaultInboundPolicy.DENY)), false);
      Proxy proxy = ProxyComponent.create(config);
      CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
        try {
          proxy.start();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try {
        DiscoveryRequest subscribed = controlPlane.nextRequest();
        String name = new InboundListenerName("0.0.0.0:" + app.port(), Optional.of("default/echo"),
            Optional.of(DefaultInboundPolicy.DENY)).toString();
        assertEquals(List.of(name), subscribed.getResourceNamesList());
        assertEquals("node-1", subscribed.getNode().getId());
        String admin = NodeMetadata.of(subscribed.getNode().getMetadata()).admin().orElseThrow();

        // No policy yet: not ready, not listening, so no call can reach the application.
        assertEquals(503, get(admin, AdminPaths.READY).statusCode());
        assertEquals(Status.Code.UNAVAILABLE, echo(inboundPort, TestCa.client(ca.workload("default/client"))).getCode());
        assertFalse(started.isDone(), "start waits for the inbound policy");

        controlPlane.respond("1", "nonce-1", listener(name, enforcing(allowing("default/echo-callers", ECHO, "default/client"))));
        started.get(20, TimeUnit.SECONDS);
        assertEquals("nonce-1", controlPlane.nextRequest().getResponseNonce());
        assertEquals(200, get(admin, AdminPaths.READY).statusCode());

        assertEquals(Status.Code.OK, echo(inboundPort, TestCa.client(ca.workload("default/client"))).getCode());
        Status refused = echo(inboundPort, TestCa.client(ca.workload("default/other")));
        assertEquals(Status.Code.PERMISSION_DENIED, refused.getCode());
        assertEquals("refused by default/echo-callers: default/other may not call /" + ECHO + "/Echo", refused.getDescription());

        controlPlane.stop();
        assertEquals(Status.Code.OK, echo(inboundPort, TestCa.client(ca.workload("default/client"))).getCode(),
            "the control plane gone, its policy stays");
        assertEquals(Status.Code.PERMISSION_DENIED, echo(inboundPort, TestCa.client(ca.workload("default/other"))).getCode());
        assertEquals(200, get(admin, AdminPaths.READY).statusCode());
        controlPlane.restart();
        assertEquals("1", controlPlane.nextRequest().getVersionInfo(), "back, it resumes from the version in force");

        assertEquals(List.of("Echo hello", "Echo hello"), app.seen());
        assertEquals(InboundStats.newBuilder().setIdentity("default/echo").setAllowed(2).setDenied(2)
                .addPolicies(PolicyStats.newBuilder().setPolicy("default/echo-callers").setAllowed(2).setDenied(2)).build(),
            StatsJson.read(get(admin, AdminPaths.STATS).body()).getInbound());
        String metrics = get(admin, AdminPaths.METRICS).body();
        assertTrue(metrics.contains("fulcrum_inbound_authorizations_total{authz=\"deny\",policy=\"default/echo-callers\"} 2.0"),
            metrics);
      } finally {
        proxy.close();
      }
    }
  }
}
