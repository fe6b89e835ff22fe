package dev.fulcrum.dataplane.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Which calls the proxy traces, and what it tells the next hop. */
class TracingTest {
  private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
  private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  /** Keeps what it is given, through the tracer's shutdown (which flushes the batch). */
  private static final class Recorded implements SpanExporter {
    final List<SpanData> spans = new CopyOnWriteArrayList<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private final Recorded exported = new Recorded();

  /** Runs calls with these headers through a proxy sampling {@code sampling}; returns the headers sent on. */
  private List<Metadata> calls(double sampling, int count, String callerTraceparent) {
    Tracing tracing = new Tracing(exported, "test", sampling);
    List<Metadata> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Metadata headers = new Metadata();
      if (callerTraceparent != null) {
        headers.put(TRACEPARENT, callerTraceparent);
      }
      Tracing.end(tracing.start("echo:7001", "fulcrum.echo.v1.EchoService/Echo", headers), Status.OK, "127.0.0.1:7001");
      sent.add(headers);
    }
    tracing.close();
    return sent;
  }

  /** The traceparent's sampled flag (its lowest bit; the next is W3C level 2's "random trace id"). */
  private static boolean sampled(Metadata headers) {
    String traceparent = headers.get(TRACEPARENT);
    return (Integer.parseInt(traceparent.substring(traceparent.length() - 2), 16) & 1) == 1;
  }

  @Test
  void everyCallStartsATraceByDefault() {
    List<Metadata> sent = calls(1.0, 3, null);
    assertEquals(3, exported.spans.size());
    sent.forEach(headers -> assertTrue(sampled(headers)));
  }

  @Test
  void aShareOfTheCallsWithoutATraceStartOne() {
    calls(0.25, 4000, null);
    // Binomial(4000, 0.25): 1000 expected, a standard deviation of 27.
    assertTrue(exported.spans.size() > 850 && exported.spans.size() < 1150, exported.spans.size() + " traced");
  }

  @Test
  void anUnsampledCallStillTellsTheNextHopNotToRecord() {
    Metadata sent = calls(0.0, 1, null).get(0);
    assertEquals(0, exported.spans.size());
    assertFalse(sampled(sent));
  }

  @Test
  void aCallerThatSampledIsTracedWhateverTheShare() {
    Metadata sent = calls(0.0, 1, "00-" + CALLER_TRACE + "-00f067aa0ba902b7-01").get(0);
    assertEquals(1, exported.spans.size());
    assertEquals(CALLER_TRACE, exported.spans.get(0).getTraceId());
    assertEquals("00f067aa0ba902b7", exported.spans.get(0).getParentSpanId());
    assertTrue(sent.get(TRACEPARENT).startsWith("00-" + CALLER_TRACE + "-"));
    assertNotEquals("00f067aa0ba902b7", sent.get(TRACEPARENT).substring(36, 52), "the next hop's parent is this span");
    assertTrue(sampled(sent));
  }

  @Test
  void aCallerThatDidNotSampleIsNotTracedWhateverTheShare() {
    Metadata sent = calls(1.0, 1, "00-" + CALLER_TRACE + "-00f067aa0ba902b7-00").get(0);
    assertEquals(0, exported.spans.size());
    assertTrue(sent.get(TRACEPARENT).startsWith("00-" + CALLER_TRACE + "-"));
    assertFalse(sampled(sent));
  }
}
