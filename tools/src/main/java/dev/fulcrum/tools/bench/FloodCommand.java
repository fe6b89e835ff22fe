package dev.fulcrum.tools.bench;

import com.google.common.util.concurrent.ListenableFuture;
import dev.fulcrum.echo.v1.EchoReply;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.tools.HostPort;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "flood", mixinStandardHelpOptions = true,
    description = {
        "Sends one Echo call per :authority, each a different name no Link serves, as a buggy or",
        "hostile client would, and prints how the calls ended (what callers send must not grow a proxy)."})
public final class FloodCommand implements Callable<Integer> {

  @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "The proxy.")
  String target;

  @Option(names = "--authorities", defaultValue = "10000", description = "Calls, each to its own authority (default: ${DEFAULT-VALUE}).")
  int authorities;

  @Option(names = "--concurrency", defaultValue = "32", description = "Calls in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--prefix", defaultValue = "flood", description = "Authorities are PREFIX-N.nowhere.svc.cluster.local:PORT (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--served", paramLabel = "NAME:PORT",
      description = "Instead: send every call to this authority, a service the control plane serves (to warm a proxy up).")
  String served;

  @Override
  public Integer call() throws Exception {
    HostPort proxy = HostPort.parse("--target", target);
    ManagedChannel channel = NettyChannelBuilder.forAddress(proxy.host(), proxy.port()).usePlaintext().build();
    Map<Status.Code, AtomicLong> outcomes = new ConcurrentHashMap<>();
    Semaphore inFlight = new Semaphore(concurrency);
    long start = System.nanoTime();
    try {
      for (int i = 0; i < authorities; i++) {
        inFlight.acquire();
        String authority = served != null ? served : prefix + "-" + i + ".nowhere.svc.cluster.local:" + (1000 + i % 60_000);
        ListenableFuture<EchoReply> call = ClientCalls.futureUnaryCall(channel.newCall(EchoServiceGrpc.getEchoMethod(),
            CallOptions.DEFAULT.withAuthority(authority).withDeadlineAfter(10, TimeUnit.SECONDS)),
            EchoRequest.newBuilder().setMessage("flood").build());
        call.addListener(() -> {
          Status.Code code;
          try {
            call.get();
            code = Status.Code.OK;
          } catch (Exception e) {
            code = Status.fromThrowable(e).getCode();
          }
          outcomes.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
          inFlight.release();
        }, Runnable::run);
      }
      inFlight.acquire(concurrency);
    } finally {
      channel.shutdownNow();
    }
    System.out.printf("%d calls to %s in %.1f s: %s%n", authorities,
        served != null ? served : authorities + " authorities", (System.nanoTime() - start) / 1e9, new TreeMap<>(outcomes));
    return 0;
  }
}
