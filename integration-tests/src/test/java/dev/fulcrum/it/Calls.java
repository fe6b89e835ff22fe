package dev.fulcrum.it;

import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.tools.echo.EchoServer;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Sends Echo calls and tells which backend answered each. */
final class Calls {
  private Calls() {}

  /** The answering server of each of {@code count} sequential calls, in order. */
  static List<String> sequence(Channel channel, int count) {
    EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
    List<String> servers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      servers.add(stub.withDeadlineAfter(10, TimeUnit.SECONDS)
          .echo(EchoRequest.newBuilder().setMessage("call " + i).build()).getServer());
    }
    return servers;
  }

  /**
   * The milliseconds of deadline the backend had left when a call made with {@code callerDeadlineMillis}
   * reached it, as the echo server reports it; fails if the backend saw no deadline at all.
   */
  static long deadlineAtTheBackend(Channel channel, long callerDeadlineMillis) {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    EchoServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()))
        .withDeadlineAfter(callerDeadlineMillis, TimeUnit.MILLISECONDS)
        .echo(EchoRequest.newBuilder().setMessage("deadline?").build());
    String left = headers.get().get(EchoServer.DEADLINE_HEADER);
    if (left == null) {
      throw new AssertionError("the backend saw no deadline (no " + EchoServer.DEADLINE_HEADER.name() + " header)");
    }
    return Long.parseLong(left);
  }

  static Map<String, Integer> count(List<String> servers) {
    Map<String, Integer> counts = new HashMap<>();
    servers.forEach(server -> counts.merge(server, 1, Integer::sum));
    return counts;
  }

  /** Calls per answering server when {@code threads} callers send {@code perThread} calls each. */
  static Map<String, Integer> concurrent(Channel channel, int threads, int perThread) throws InterruptedException {
    EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    AtomicInteger failures = new AtomicInteger();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread caller = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          try {
            String server = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                .echo(EchoRequest.newBuilder().setMessage("c").build()).getServer();
            counts.merge(server, 1, Integer::sum);
          } catch (StatusRuntimeException e) {
            failures.incrementAndGet();
            counts.merge("failed: " + e.getStatus().getCode(), 1, Integer::sum);
            if (System.getenv("DEBUG_CALLS") != null) {
              System.out.println("FAILED " + e.getStatus());
            }
          }
        }
      });
      caller.start();
      callers.add(caller);
    }
    for (Thread caller : callers) {
      caller.join();
    }
    return counts;
  }
}
