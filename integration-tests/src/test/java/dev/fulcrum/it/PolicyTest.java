package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A Link's policy, end to end: request timeouts and retries. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyTest {
  private Mesh mesh;

  private static String link(String name, String policy) {
    return """
        apiVersion: linkerd.io/v1alpha1
        kind: Link
        metadata: {name: %s}
        spec:
          service: {name: %s.test, port: 1}
          target:
            - {name: 127.0.0.1, port: {v1}}
            - {name: 127.0.0.1, port: {v2}}
          policy: %s
        ---
        """.formatted(name, name, policy);
  }

  @BeforeAll
  void start() throws Exception {
    mesh = new Mesh(2, link("timeout", "{request-timeout: 300ms}")
        + link("retry", "{retry-on: [unavailable]}")
        + link("retryall", "{retry-on: [unavailable], retry-budget: 100%}")
        + link("retry0", "{retry-on: [unavailable], retries: 0}")
        + link("noretry", "{request-timeout: 5s}")
        + link("sixretries", "{retry-on: [unavailable], retries: 6, retry-budget: 100%}")
        + link("budget", "{retry-on: [unavailable], retries: 3, retry-budget: 20%}"), Optional.empty());
  }

  @AfterAll
  void stop() {
    mesh.close();
  }

  @AfterEach
  void healTheBackends() {
    mesh.echoes.forEach(echo -> echo.service().failEvery(0, Status.Code.UNAVAILABLE));
  }

  /** Calls (attempts) the backends have taken so far. */
  private long backendCalls() {
    return mesh.echo(1).service().calls() + mesh.echo(2).service().calls();
  }

  private static long millisToFail(Channel channel, long callerDeadlineMillis, int delayMillis, Status.Code expected) {
    long start = System.nanoTime();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
        EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(callerDeadlineMillis, TimeUnit.MILLISECONDS)
            .echo(EchoRequest.newBuilder().setMessage("slow").setDelayMs(delayMillis).build()));
    assertEquals(expected, e.getStatus().getCode(), e.getStatus().toString());
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void theRequestTimeoutEndsASlowCallAndTheCallersShorterDeadlineWins() {
    Channel channel = mesh.proxyChannel("timeout.test:1");
    Calls.sequence(channel, 2); // connected
    long byPolicy = millisToFail(channel, 10_000, 3000, Status.Code.DEADLINE_EXCEEDED);
    assertTrue(byPolicy >= 250 && byPolicy < 1500, "the 300ms policy ended the call after " + byPolicy + " ms");
    long byCaller = millisToFail(channel, 100, 3000, Status.Code.DEADLINE_EXCEEDED);
    assertTrue(byCaller < 250, "the caller's 100ms deadline ended the call after " + byCaller + " ms");
    // A call faster than the timeout is untouched.
    assertEquals("ok", EchoServiceGrpc.newBlockingStub(channel)
        .echo(EchoRequest.newBuilder().setMessage("ok").setDelayMs(50).build()).getMessage());
  }

  @Test
  void theBackendIsGivenTheShorterOfTheRequestTimeoutAndTheCallersDeadline() {
    Channel timeout = mesh.proxyChannel("timeout.test:1");
    Calls.sequence(timeout, 2); // connected
    long byPolicy = Calls.deadlineAtTheBackend(timeout, 10_000);
    assertTrue(byPolicy > 0 && byPolicy <= 300, "the backend had " + byPolicy + " ms of the 300ms request timeout");
    long byCaller = Calls.deadlineAtTheBackend(timeout, 200);
    assertTrue(byCaller > 0 && byCaller <= 200, "the backend had " + byCaller + " ms of the caller's 200 ms");
    // Without a request timeout, the caller's deadline alone.
    Channel noTimeout = mesh.proxyChannel("retry.test:1");
    Calls.sequence(noTimeout, 2);
    long callerOnly = Calls.deadlineAtTheBackend(noTimeout, 2000);
    assertTrue(callerOnly > 1000 && callerOnly <= 2000, "the backend had " + callerOnly + " ms of the caller's 2000 ms");
  }

  @Test
  void aStreamIsNotRetriedOnceAMessageHasBeenSent() throws Exception {
    Channel retry = mesh.proxyChannel("retryall.test:1");
    Calls.sequence(retry, 2);
    long before = backendCalls();
    java.util.Iterator<dev.fulcrum.echo.v1.EchoReply> replies = EchoServiceGrpc.newBlockingStub(retry)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .serverStream(EchoRequest.newBuilder().setMessage("status:UNAVAILABLE midway").setCount(1).build());
    assertEquals(0, replies.next().getIndex());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, replies::next);
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertEquals("midway", e.getStatus().getDescription());
    assertEquals(1, backendCalls() - before, "no retry");

    // Failing before its first message, the same stream is retried (and fails again on the other).
    long beforeEarly = backendCalls();
    StatusRuntimeException early = assertThrows(StatusRuntimeException.class, () -> EchoServiceGrpc
        .newBlockingStub(retry).withDeadlineAfter(10, TimeUnit.SECONDS)
        .serverStream(EchoRequest.newBuilder().setMessage("status:UNAVAILABLE at once").build()).next());
    assertEquals(Status.Code.UNAVAILABLE, early.getStatus().getCode());
    assertEquals(3, backendCalls() - beforeEarly, "two retries");
  }

  @Test
  void aRetryGoesToAnotherEndpoint() throws Exception {
    // Half the calls need a retry: more than the default budget of 20% allows, so this Link has 100%.
    Channel retry = mesh.proxyChannel("retryall.test:1");
    Calls.sequence(retry, 4);
    mesh.echo(1).service().failEvery(1, Status.Code.UNAVAILABLE); // v1 fails every call
    // Each call that meets v1 is retried on v2; grpc's own round-robin could pick v1 again.
    assertEquals(Map.of("v2", 400), Calls.concurrent(retry, 4, 100));
  }

  @Test
  void aLinkMayAskForMoreRetriesThanGrpcsDefaultCap() throws Exception {
    Channel channel = mesh.proxyChannel("sixretries.test:1");
    Calls.sequence(channel, 2);
    long before = backendCalls();
    mesh.echo(1).service().failEvery(1, Status.Code.UNAVAILABLE);
    mesh.echo(2).service().failEvery(1, Status.Code.UNAVAILABLE);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> Calls.sequence(channel, 1));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("failed on purpose"), e.getStatus().toString());
    // grpc's default would stop at 5 attempts; the Link asked for 1 + 6.
    assertEquals(7, backendCalls() - before);
  }

  @Test
  void theRetryBudgetCapsTheExtraLoadOfAnOutage() throws Exception {
    Channel budget = mesh.proxyChannel("budget.test:1");
    Calls.sequence(budget, 4);
    long before = backendCalls();
    mesh.echo(1).service().failEvery(1, Status.Code.UNAVAILABLE);
    mesh.echo(2).service().failEvery(1, Status.Code.UNAVAILABLE);
    Map<String, Integer> outcome = Calls.concurrent(budget, 8, 125);
    assertEquals(Map.of("failed: UNAVAILABLE", 1000), outcome);
    long attempts = backendCalls() - before;
    // Without a budget, 3 retries each: 4,000 attempts. With 20% and Linkerd's floor of 10
    // retries a second over a 10 s window: at most 1,000 + 200 + 100.
    assertTrue(attempts > 1000 && attempts <= 1300, attempts + " attempts for 1000 calls");
    // A call the budget did not retry reports the backend's own failure.
    StatusRuntimeException last = assertThrows(StatusRuntimeException.class, () -> Calls.sequence(budget, 1));
    assertTrue(last.getStatus().getDescription().startsWith("echo v"), last.getStatus().toString());
  }

  @Test
  void retryOnUnavailableHidesABackendFailingHalfItsCalls() throws Exception {
    Channel retry = mesh.proxyChannel("retry.test:1");
    Channel retry0 = mesh.proxyChannel("retry0.test:1");
    Channel noRetry = mesh.proxyChannel("noretry.test:1");
    for (Channel channel : new Channel[] {retry, retry0, noRetry}) {
      Calls.sequence(channel, 4);
    }
    mesh.echo(1).service().failEvery(2, Status.Code.UNAVAILABLE);
    Map<String, Integer> withRetries = Calls.concurrent(retry, 4, 100);
    assertEquals(null, withRetries.get("failed: UNAVAILABLE"), "retried: " + withRetries);
    Map<String, Integer> withoutRetries = Calls.concurrent(noRetry, 4, 100);
    assertTrue(withoutRetries.getOrDefault("failed: UNAVAILABLE", 0) > 40, "not retried: " + withoutRetries);
    Map<String, Integer> zeroRetries = Calls.concurrent(retry0, 4, 100);
    assertTrue(zeroRetries.getOrDefault("failed: UNAVAILABLE", 0) > 40, "retries: 0: " + zeroRetries);
  }
}
