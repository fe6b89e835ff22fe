package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.telemetry.CallTelemetry;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * One call in flight through the proxy: the inbound call from the application and the outbound
 * call to the chosen backend, with messages, headers, trailers and cancellation relayed both ways.
 *
 * <p>Flow control is end to end: a message is asked for on one side only once the other side is
 * ready to send it on, so a slow reader slows its writer instead of filling the proxy's memory.
 * Each side's callbacks run on that side's transport thread; the only state they share is the two
 * "a message is wanted" flags, each claimed by whichever thread sees the other side ready first.
 */
final class ForwardedCall {
  private final ServerCall<byte[], DetachedMessage> inbound;
  private final ClientCall<byte[], DetachedMessage> outbound;
  /** Null when the proxy measures nothing. */
  private final CallTelemetry telemetry;
  /** The status the caller is told, from the backend's. */
  private final UnaryOperator<Status> forCaller;
  /** Told first when the call is over. */
  private final Runnable ended;
  private final AtomicBoolean requestWanted = new AtomicBoolean();
  private final AtomicBoolean responseWanted = new AtomicBoolean();

  ForwardedCall(ServerCall<byte[], DetachedMessage> inbound, ClientCall<byte[], DetachedMessage> outbound,
      CallTelemetry telemetry, UnaryOperator<Status> forCaller, Runnable ended) {
    this.inbound = inbound;
    this.outbound = outbound;
    this.telemetry = telemetry;
    this.forCaller = forCaller;
    this.ended = ended;
  }

  ServerCall.Listener<byte[]> start(Metadata headers) {
    outbound.start(new FromUpstream(), headers);
    outbound.request(1);
    inbound.request(1);
    return new FromCaller();
  }

  /** Asks the caller for its next message, if one is wanted and not yet asked for. */
  private void pullRequest() {
    if (requestWanted.compareAndSet(true, false)) {
      inbound.request(1);
    }
  }

  /** Asks the backend for its next message, if one is wanted and not yet asked for. */
  private void pullResponse() {
    if (responseWanted.compareAndSet(true, false)) {
      outbound.request(1);
    }
  }

  private static void closeQuietly(DetachedMessage message) {
    try {
      message.close();
    } catch (IOException ignored) {
      // released as far as it could be
    }
  }

  /** Events of the inbound call, from the application. */
  private final class FromCaller extends ServerCall.Listener<byte[]> {
    @Override
    public void onMessage(byte[] message) {
      outbound.sendMessage(message);
      requestWanted.set(true);
      if (outbound.isReady()) {
        pullRequest();
      }
    }

    @Override
    public void onHalfClose() {
      outbound.halfClose();
    }

    @Override
    public void onCancel() {
      outbound.cancel("fulcrum proxy: the caller cancelled the call", null);
    }

    @Override
    public void onReady() {
      pullResponse();
    }
  }

  /** Events of the outbound call, from the backend (or from grpc-xds when no backend could be had). */
  private final class FromUpstream extends ClientCall.Listener<DetachedMessage> {
    @Override
    public void onHeaders(Metadata headers) {
      inbound.sendHeaders(headers);
    }

    @Override
    public void onMessage(DetachedMessage message) {
      try {
        inbound.sendMessage(message); // grpc writes the message and closes it, releasing its buffers
      } catch (RuntimeException e) {
        closeQuietly(message); // not written: release them here
        throw e;
      }
      responseWanted.set(true);
      if (inbound.isReady()) {
        pullResponse();
      }
    }

    @Override
    public void onClose(Status backendStatus, Metadata trailers) {
      Status status = forCaller.apply(backendStatus);
      inbound.close(status, trailers);
      ended.run();
      if (telemetry != null) {
        telemetry.callClosed(status);
      }
    }

    @Override
    public void onReady() {
      pullRequest();
    }
  }
}
