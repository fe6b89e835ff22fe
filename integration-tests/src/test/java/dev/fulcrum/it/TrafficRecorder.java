package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Steady traffic through the proxy while a test changes the configuration: a few threads calling
 * in a loop, each call recorded with when it ended and which backend answered (or how it failed).
 */
final class TrafficRecorder implements AutoCloseable {
  /** One call: when it completed (System.nanoTime), the answering server, or the failure. */
  record Call(long endNanos, String server, String failure) {}

  private final List<Call> calls = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  TrafficRecorder(Channel channel, int concurrency) {
    EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
    for (int i = 0; i < concurrency; i++) {
      Thread thread = new Thread(() -> {
        while (running) {
          Call call;
          try {
            String server = stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                .echo(EchoRequest.newBuilder().setMessage("traffic").build()).getServer();
            call = new Call(System.nanoTime(), server, null);
          } catch (StatusRuntimeException e) {
            call = new Call(System.nanoTime(), null, e.getStatus().toString());
          }
          synchronized (calls) {
            calls.add(call);
          }
        }
      }, "traffic-" + i);
      thread.start();
      threads.add(thread);
    }
  }

  List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  List<Call> callsAfter(long nanos) {
    return calls().stream().filter(c -> c.endNanos() > nanos).toList();
  }

  /** The servers that answered {@code calls}. */
  static Set<String> servers(List<Call> calls) {
    return calls.stream().filter(c -> c.server() != null).map(Call::server).collect(Collectors.toSet());
  }

  /**
   * Checks that within {@code within} of {@code changed} only {@code expected} answer (the calls of
   * the last 100 ms since then), that they still do over the next 50 calls, and that no call failed
   * since {@code changed}.
   */
  void expectOnly(Set<String> expected, long changed, Duration within) throws InterruptedException {
    Await.until(() -> servers(callsAfter(Math.max(changed, System.nanoTime() - 100_000_000L))).equals(expected),
        within, "only " + expected + " answering within " + within.toMillis() + " ms of the change");
    long settled = System.nanoTime();
    Await.until(() -> callsAfter(settled).size() > 50, Duration.ofSeconds(5), "traffic after the change");
    assertEquals(expected, servers(callsAfter(settled)), "once settled, only these answer");
    assertEquals(List.of(), callsAfter(changed).stream().filter(c -> c.failure() != null).toList(), "no failed call");
  }

  List<String> failures() {
    return calls().stream().filter(c -> c.failure() != null).map(Call::failure).toList();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.join(10_000);
    }
  }
}
