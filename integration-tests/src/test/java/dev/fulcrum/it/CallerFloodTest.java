package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import dev.fulcrum.echo.v1.EchoReply;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What callers send must not grow the proxy without bound: 10,000 calls, each to a different
 * :authority no Link serves, leave behind no channel, no xDS subscription and no metric series of
 * their own, and the served service goes on working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallerFloodTest {
  private static final int CALLS = 10_000;
  private static final int IN_FLIGHT = 32;
  private final HttpClient http = HttpClient.newHttpClient();
  private Mesh mesh;
  private ManagedChannel channel;

  @BeforeAll
  void start() throws Exception {
    mesh = new Mesh(2, Mesh.seedLink(), Optional.empty());
    channel = mesh.proxyChannel();
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private String admin(String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + mesh.proxy.adminPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), path + ": " + response.body());
    return response.body();
  }

  private ListenableFuture<EchoReply> call(String authority) {
    return ClientCalls.futureUnaryCall(channel.newCall(EchoServiceGrpc.getEchoMethod(),
            CallOptions.DEFAULT.withAuthority(authority).withDeadlineAfter(10, TimeUnit.SECONDS)),
        EchoRequest.newBuilder().setMessage("flood").build());
  }

  /** Listeners grpc-xds asks the control plane for: one per subscription. */
  private int subscribedListeners() throws Exception {
    Matcher listener = Pattern.compile("\"type_url\": \"type.googleapis.com/envoy.config.listener.v3.Listener\"")
        .matcher(admin("/config_dump"));
    int count = 0;
    while (listener.find()) {
      count++;
    }
    return count;
  }

  private static int series(String metrics) {
    return (int) metrics.lines().filter(line -> !line.isEmpty() && !line.startsWith("#")).count();
  }

  private static double gauge(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(metrics);
    assertTrue(m.find(), name + " in " + metrics);
    return Double.parseDouble(m.group(2));
  }

  @Test
  void tenThousandUnknownAuthoritiesLeaveNothingBehind() throws Exception {
    assertServed();
    String before = admin("/metrics");
    int listenersBefore = subscribedListeners();

    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    List<ListenableFuture<EchoReply>> calls = new ArrayList<>(CALLS);
    for (int i = 0; i < CALLS; i++) {
      inFlight.acquire();
      ListenableFuture<EchoReply> call = call("flood-" + i + ".nowhere.svc.cluster.local:" + (1000 + i % 50_000));
      call.addListener(inFlight::release, Runnable::run);
      calls.add(call);
    }
    Map<Status.Code, Integer> outcomes = new EnumMap<>(Status.Code.class);
    for (ListenableFuture<EchoReply> call : calls) {
      try {
        call.get();
        outcomes.merge(Status.Code.OK, 1, Integer::sum);
      } catch (ExecutionException e) {
        outcomes.merge(Status.fromThrowable(e.getCause()).getCode(), 1, Integer::sum);
      }
    }
    assertEquals(Map.of(Status.Code.UNAVAILABLE, CALLS), outcomes, "every call to an unknown service fails fast");

    String after = admin("/metrics");
    // Channels: the served service's and the readiness probe's, as before the flood.
    assertEquals(gauge(before, "fulcrum_upstream_channels"), gauge(after, "fulcrum_upstream_channels"), after);
    assertEquals(2, gauge(after, "fulcrum_upstream_channels"), after);
    // Subscriptions: grpc-xds dropped each unknown name with its channel.
    assertEquals(listenersBefore, subscribedListeners());
    // Series: the flood's calls share one service label; no name of theirs is in /metrics.
    assertFalse(after.contains("nowhere"), "a flood authority became a label");
    assertTrue(after.contains("service=\"unknown\""), after);
    assertTrue(series(after) - series(before) < 300,
        "series grew from " + series(before) + " to " + series(after));
    assertServed();
  }

  private void assertServed() throws Exception {
    String server = call(Mesh.SERVICE).get().getServer();
    assertTrue(server.equals("v1") || server.equals("v2"), server);
  }

  @Test
  void methodNamesCollapseIntoOtherPastTheCap() throws Exception {
    // Callers choose method names too: 600 made-up methods on the served service.
    for (int i = 0; i < 600; i++) {
      io.grpc.MethodDescriptor<EchoRequest, EchoReply> made = EchoServiceGrpc.getEchoMethod().toBuilder()
          .setFullMethodName("fulcrum.echo.v1.EchoService/Made" + i).build();
      try {
        ClientCalls.blockingUnaryCall(channel, made, CallOptions.DEFAULT.withAuthority(Mesh.SERVICE)
            .withDeadlineAfter(10, TimeUnit.SECONDS), EchoRequest.getDefaultInstance());
        throw new AssertionError("the echo server has no method Made" + i);
      } catch (io.grpc.StatusRuntimeException e) {
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode(), e.getStatus().toString());
      }
    }
    String metrics = admin("/metrics");
    assertTrue(metrics.contains("method=\"other\""), "methods past the cap are 'other'");
    assertFalse(metrics.contains("/Made599\""), "the 600th method is not a label of its own");
  }
}
