package dev.fulcrum.it;

import static dev.fulcrum.it.AuthorizationCalls.answers;
import static dev.fulcrum.it.AuthorizationCalls.echo;
import static dev.fulcrum.it.AuthorizationCalls.refused;
import static dev.fulcrum.it.AuthorizationCalls.serverStream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.InboundTls;
import dev.fulcrum.controlplane.dashboard.DashboardJson;
import dev.fulcrum.controlplane.dashboard.MeshStats;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.echo.v1.EchoServiceGrpc.EchoServiceBlockingStub;
import dev.fulcrum.testing.Await;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Authorization on Fulcrum's inbound sidecar, real processes and real mTLS: echo server v1 sits
 * behind a permissive sidecar of identity default/echo-v1; its callers are this JVM's proxy
 * (default/client), a proxy process proving default/other, and a plaintext caller dialling the
 * sidecar directly. Each test writes the policy it needs into the Links file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationTest {
  private static final String POLICY = """
      ---
      apiVersion: linkerd.io/v1alpha1
      kind: Authorization
      metadata: {name: echo-callers, namespace: default}
      spec:
        server: {identity: default/echo-v1}
        mode: %s
        rules:
          - from: {identities: [%s]}
            methods: ["/fulcrum.echo.v1.EchoService/Echo"]
          - from: {unauthenticated: true}
            methods: ["/fulcrum.echo.v1.EchoService/ServerStream"]
      """;
  private static final Duration APPLIED = Duration.ofSeconds(10);

  private Mesh mesh;
  private EchoServiceBlockingStub client;
  private EchoServiceBlockingStub other;
  private EchoServiceBlockingStub plaintext;

  @BeforeAll
  void mesh() throws Exception {
    mesh = new Mesh(1, link(), Optional.of(Mesh.SERVICE), UnaryOperator.identity(),
        Optional.of(new Mesh.Meshed(InboundTls.PERMISSIVE, Duration.ofHours(1))));
    client = EchoServiceGrpc.newBlockingStub(mesh.proxyChannel());
    int otherPort = mesh.startOutboundProxy(Files.createTempFile("proxy-other", ".log"), "default/other");
    other = EchoServiceGrpc.newBlockingStub(mesh.channelTo(otherPort));
    plaintext = EchoServiceGrpc.newBlockingStub(mesh.channelTo(mesh.sidecars.get(0).inboundPort()));
    // No Authorization yet: the default (allow) lets every caller through.
    Await.until(() -> answers(other), APPLIED, "default/other's calls answered under the default policy");
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  private static String link() {
    return Mesh.link("my-grpc-service", "grpc-service.default.svc.cluster.local", 50051, "{v1}");
  }

  private void policy(String mode, String identities) throws Exception {
    mesh.writeLinks(link() + POLICY.formatted(mode, identities));
  }

  @Test
  void anAllowedIdentityPassesAndEveryOtherCallIsRefusedBeforeTheApplication() throws Exception {
    policy("enforce", "\"default/client\"");
    Await.until(() -> refused(other), APPLIED, "default/other refused");
    assertEquals("v1", echo(client).getServer(), "the allowed identity, on its method");

    double denied = decisions("deny", "default/echo-callers");
    long appCalls = mesh.echo(1).service().calls();
    StatusRuntimeException otherMethod = assertThrows(StatusRuntimeException.class,
        () -> serverStream(client));
    assertEquals(Status.Code.PERMISSION_DENIED, otherMethod.getStatus().getCode(), otherMethod.getStatus().toString());
    assertTrue(otherMethod.getStatus().getDescription().contains("default/echo-callers"), otherMethod.getStatus().toString());
    StatusRuntimeException otherCaller = assertThrows(StatusRuntimeException.class, () -> echo(other));
    assertEquals(Status.Code.PERMISSION_DENIED, otherCaller.getStatus().getCode(), otherCaller.getStatus().toString());
    assertTrue(otherCaller.getStatus().getDescription().contains("default/echo-callers"), otherCaller.getStatus().toString());
    StatusRuntimeException unauthenticated = assertThrows(StatusRuntimeException.class, () -> echo(plaintext));
    assertEquals(Status.Code.PERMISSION_DENIED, unauthenticated.getStatus().getCode());
    assertEquals(appCalls, mesh.echo(1).service().calls(), "no refused call reached the application");
    assertEquals(denied + 3, decisions("deny", "default/echo-callers"), "each refusal counted, with the policy's name");

    assertEquals("v1", serverStream(plaintext).getServer(),
        "an unauthenticated caller gets what its rule says");
  }

  @Test
  void auditModeRefusesNothingAndCountsWhatItWouldHaveRefused() throws Exception {
    policy("enforce", "\"default/client\"");
    Await.until(() -> refused(other), APPLIED, "default/other refused");
    policy("audit", "\"default/client\"");
    Await.until(() -> answers(other), APPLIED, "audit mode: default/other let through");

    double audited = decisions("audit-deny", "default/echo-callers");
    double allowed = decisions("allow", "default/echo-callers");
    for (int i = 0; i < 5; i++) {
      assertEquals("v1", echo(other).getServer());
    }
    assertEquals("v1", echo(client).getServer());
    assertEquals(audited + 5, decisions("audit-deny", "default/echo-callers"));
    assertEquals(allowed + 1, decisions("allow", "default/echo-callers"));
  }

  @Test
  void anEditUnderLoadFailsNoAllowedCallAndAppliesWithinASecond() throws Exception {
    policy("enforce", "\"default/client\"");
    Await.until(() -> refused(other), APPLIED, "default/other refused");
    List<Long> applied = new ArrayList<>();
    try (TrafficRecorder traffic = new TrafficRecorder(mesh.proxyChannel(), 4)) {
      long start = System.nanoTime();
      for (int edit = 0; edit < 6; edit++) {
        boolean allowOther = edit % 2 == 0;
        long written = System.nanoTime();
        policy("enforce", allowOther ? "\"default/client\", \"default/other\"" : "\"default/client\"");
        Await.until(() -> allowOther ? answers(other) : refused(other), APPLIED, "edit " + edit + " applied");
        applied.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written));
        // Traffic across each edit's switch-over, not only before the first.
        Await.until(() -> traffic.callsAfter(written).size() >= 50, APPLIED, "calls after edit " + edit);
      }
      List<TrafficRecorder.Call> calls = traffic.callsAfter(start);
      assertEquals(List.of(), calls.stream().filter(call -> call.failure() != null).toList(), "no allowed call failed");
      assertTrue(calls.size() >= 300, calls.size() + " calls");
    }
    System.out.println("AuthorizationTest: each edit applied, file write to the sidecar's decision, in " + applied + " ms");
    assertTrue(applied.stream().allMatch(millis -> millis < 1000), "each edit applied within 1 s: " + applied + " ms");
  }

  @Test
  void anInvalidEditKeepsTheLastGoodPolicy() throws Exception {
    policy("enforce", "\"default/client\"");
    Await.until(() -> refused(other), APPLIED, "default/other refused");

    policy("enforcing", "\"default/client\", \"default/other\"");
    Await.until(() -> mesh.controlPlane.model().errors().stream().anyMatch(e -> e.contains("'enforcing'")), APPLIED,
        "the invalid edit rejected");
    assertTrue(refused(other), "the bad edit opened nothing");
    assertEquals("v1", echo(client).getServer(), "the last good policy still allows its caller");
  }

  @Test
  void theDashboardAndStatShowWhatEachServerAllowedAndDenied() throws Exception {
    policy("enforce", "\"default/client\"");
    Await.until(() -> refused(other), APPLIED, "default/other refused");
    assertEquals("v1", echo(client).getServer());
    String dashboard = "127.0.0.1:" + mesh.controlPlane.adminPort().getAsInt();

    // The dashboard polls each proxy's /stats; the sidecar's inbound side reports its decisions.
    Await.until(() -> server(dashboard).map(s -> s.policies().stream().anyMatch(p -> p.policy().equals("default/echo-callers")
        && p.allowed() > 0 && p.denied() > 0)).orElse(false), Duration.ofSeconds(20),
        "default/echo-v1's allowed and denied calls on the dashboard");
    MeshStats.Server server = server(dashboard).orElseThrow();
    assertEquals(1, server.proxies());
    assertTrue(server.allowed() > 0 && server.denied() > 0, server.toString());

    Launcher.Result stat = Launcher.run(Duration.ofSeconds(60), "stat", "--control-plane", dashboard);
    assertEquals(0, stat.exitCode(), stat.stderr());
    assertTrue(stat.stdout().lines().anyMatch(line -> line.startsWith("default/echo-v1") && line.contains("default/echo-callers")),
        stat.stdout());
  }

  /** default/echo-v1 as the dashboard's /api/stats shows it, if it does. */
  private Optional<MeshStats.Server> server(String dashboard) {
    try {
      String body = Launcher.get(Integer.parseInt(dashboard.substring(dashboard.indexOf(':') + 1)), "/api/stats");
      return new DashboardJson().meshStats(body).servers().stream().filter(s -> s.identity().equals("default/echo-v1")).findFirst();
    } catch (Exception e) {
      throw new AssertionError("the dashboard did not answer /api/stats", e);
    }
  }





  /** The sidecar's count of {@code authz} decisions by {@code policy}. */
  private double decisions(String authz, String policy) throws Exception {
    String metrics = Launcher.get(mesh.sidecars.get(0).adminPort(), AdminPaths.METRICS);
    Pattern line = Pattern.compile("^fulcrum_inbound_authorizations_total\\{(.*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher matcher = line.matcher(metrics);
    while (matcher.find()) {
      String labels = matcher.group(1);
      if (labels.contains("authz=\"" + authz + "\"") && labels.contains("policy=\"" + policy + "\"")) {
        return Double.parseDouble(matcher.group(2));
      }
    }
    return 0;
  }
}
