package dev.fulcrum.tools.echo;

import dev.fulcrum.echo.v1.EchoReply;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The echo service: every reply carries the server's name, so a caller can see which backend
 * answered. A request whose message starts with {@code "status:CODE"} fails with that code (a
 * server stream after its {@code count} replies)
 * (and the rest of the message as its description), and one with {@code delay_ms} is answered
 * that much later, so tests can check how errors, deadlines and cancellation travel.
 */
public final class EchoService extends EchoServiceGrpc.EchoServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(EchoService.class);

  private final String name;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean logRequests = new AtomicBoolean(true);
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong cancellations = new AtomicLong();
  private final AtomicLong streamedReplies = new AtomicLong();
  private volatile int delayMillis;
  private volatile int failEvery;
  private volatile Status.Code failWith = Status.Code.UNAVAILABLE;
  private final AtomicLong unaryCalls = new AtomicLong();

  /** {@code timer} delays the replies of requests that ask for it. */
  public EchoService(String name, ScheduledExecutorService timer) {
    this.name = name;
    this.timer = timer;
  }

  /** Turns the per-request log on or off (the demo silences it during its burst of calls). */
  public void logRequests(boolean on) {
    logRequests.set(on);
  }

  /** Makes every unary Echo take this much longer: a slow backend. */
  public void delayEveryCall(int millis) {
    this.delayMillis = millis;
  }

  /** Fails every {@code n}th unary Echo with {@code code} (0: none): a flaky backend. */
  public void failEvery(int n, Status.Code code) {
    this.failWith = code;
    this.failEvery = n;
  }

  /** Calls started on this server. */
  public long calls() {
    return calls.get();
  }

  /** Calls whose caller cancelled them (or whose deadline passed) before they completed. */
  public long cancellations() {
    return cancellations.get();
  }

  /** Replies sent on server streams: how far a stream got ahead of its reader. */
  public long streamedReplies() {
    return streamedReplies.get();
  }

  @Override
  public void echo(EchoRequest request, StreamObserver<EchoReply> replies) {
    started("Echo", request);
    ServerCallStreamObserver<EchoReply> call = (ServerCallStreamObserver<EchoReply>) replies;
    call.setOnCancelHandler(cancellations::incrementAndGet);
    int n = failEvery;
    boolean injectedFailure = n > 0 && unaryCalls.incrementAndGet() % n == 0;
    Runnable answer = () -> {
      if (call.isCancelled()) {
        return;
      }
      if (injectedFailure) {
        replies.onError(Status.fromCode(failWith).withDescription("echo " + name + " failed on purpose").asRuntimeException());
      } else if (!failed(request, replies)) {
        replies.onNext(reply(request, 0));
        replies.onCompleted();
      }
    };
    int delay = request.getDelayMs() + delayMillis;
    if (delay > 0) {
      timer.schedule(answer, delay, TimeUnit.MILLISECONDS);
    } else {
      answer.run();
    }
  }

  @Override
  public void serverStream(EchoRequest request, StreamObserver<EchoReply> replies) {
    started("ServerStream", request);
    // A "status:" request fails after its `count` replies (so a stream can fail midway).
    boolean failing = request.getMessage().startsWith("status:");
    if (failing && request.getCount() == 0 && failed(request, replies)) {
      return;
    }
    ServerCallStreamObserver<EchoReply> stream = (ServerCallStreamObserver<EchoReply>) replies;
    stream.setOnCancelHandler(cancellations::incrementAndGet);
    int count = Math.max(1, request.getCount());
    int[] next = {0};
    // Send only while the caller keeps up: the stream obeys flow control like any real server.
    stream.setOnReadyHandler(() -> {
      while (stream.isReady() && next[0] < count && !stream.isCancelled()) {
        stream.onNext(reply(request, next[0]++));
        streamedReplies.incrementAndGet();
      }
      if (next[0] == count) {
        next[0]++;
        if (!failing || !failed(request, replies)) {
          stream.onCompleted();
        }
      }
    });
  }

  @Override
  public StreamObserver<EchoRequest> clientStream(StreamObserver<EchoReply> replies) {
    calls.incrementAndGet();
    List<String> messages = new ArrayList<>();
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoRequest request) {
        messages.add(request.getMessage());
      }

      @Override
      public void onError(Throwable t) {
        cancellations.incrementAndGet();
      }

      @Override
      public void onCompleted() {
        log("ClientStream", messages.size() + " messages");
        replies.onNext(EchoReply.newBuilder().setMessage(String.join(",", messages)).setServer(name).build());
        replies.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<EchoRequest> bidiStream(StreamObserver<EchoReply> replies) {
    calls.incrementAndGet();
    log("BidiStream", "opened");
    int[] index = {0};
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoRequest request) {
        replies.onNext(reply(request, index[0]++));
      }

      @Override
      public void onError(Throwable t) {
        cancellations.incrementAndGet();
      }

      @Override
      public void onCompleted() {
        replies.onCompleted();
      }
    };
  }

  private void started(String method, EchoRequest request) {
    calls.incrementAndGet();
    log(method, "'" + abbreviate(request.getMessage()) + "'"
        + (request.getPayload().isEmpty() ? "" : " + " + request.getPayload().size() + " bytes"));
  }

  private void log(String method, String what) {
    if (logRequests.get()) {
      log.info("echo {} answered {} {}", name, method, what);
    }
  }

  private boolean failed(EchoRequest request, StreamObserver<EchoReply> replies) {
    String message = request.getMessage();
    if (!message.startsWith("status:")) {
      return false;
    }
    String[] parts = message.substring("status:".length()).split(" ", 2);
    Status status = Status.fromCode(Status.Code.valueOf(parts[0]))
        .withDescription(parts.length > 1 ? parts[1] : null);
    replies.onError(status.asRuntimeException());
    return true;
  }

  private EchoReply reply(EchoRequest request, int index) {
    return EchoReply.newBuilder()
        .setMessage(request.getMessage())
        .setPayload(request.getPayload())
        .setServer(name)
        .setIndex(index)
        .build();
  }

  private static String abbreviate(String message) {
    return message.length() <= 40 ? message : message.substring(0, 37) + "...";
  }
}
