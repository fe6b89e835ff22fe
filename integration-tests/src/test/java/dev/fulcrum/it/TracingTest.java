package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import dev.fulcrum.testing.Await;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A trace crosses two proxies with one trace id, with no change to the applications: the caller's
 * {@code traceparent} is the parent of the first proxy's span, which is the parent of the second's.
 * Both proxies export to a real OTLP/HTTP collector; the second runs as its own process.
 */
class TracingTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";

  @Test
  void aTraceCrossesTwoProxiesWithOneTraceId() throws Exception {
    int secondProxy = Launcher.freePort();
    String links = Mesh.seedLink() + "---\n" + Mesh.link("hop", "hop.test", 1, String.valueOf(secondProxy));
    try (OtlpCollector collector = new OtlpCollector();
        Mesh mesh = new Mesh(2, links, Optional.empty(), config -> config.withOtlpEndpoint(collector.endpoint()))) {
      Process second = Launcher.start(Files.createTempFile("proxy2", ".log"), "proxy",
          "--listen-port", String.valueOf(secondProxy), "--admin-port", "0",
          "--xds-server", "127.0.0.1:" + mesh.controlPlane.xdsPort(), "--service", Mesh.SERVICE,
          "--otlp-endpoint", collector.endpoint());
      try {
        Launcher.awaitPort(secondProxy, Duration.ofSeconds(60));
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
            "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01");
        // The application calls the first proxy for hop.test:1, whose target is the second proxy.
        String server = EchoServiceGrpc.newBlockingStub(mesh.proxyChannel("hop.test:1"))
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .echo(EchoRequest.newBuilder().setMessage("traced").build()).getServer();
        assertTrue(server.equals("v1") || server.equals("v2"), server);
      } finally {
        second.destroy();
        second.waitFor(10, TimeUnit.SECONDS); // its shutdown flushes its spans
      }
      Await.until(() -> traced(collector).size() >= 2, Duration.ofSeconds(10), "spans from both proxies");

      List<OtlpCollector.Received> spans = traced(collector);
      OtlpCollector.Received first = spans.stream()
          .filter(s -> hex(s.span().getParentSpanId()).equals(CALLER_SPAN)).findFirst().orElseThrow();
      OtlpCollector.Received second2 = spans.stream()
          .filter(s -> s.span().getParentSpanId().equals(first.span().getSpanId())).findFirst().orElseThrow();
      assertEquals("it-proxy", first.instance());
      assertNotEquals("it-proxy", second2.instance(), "the second span comes from the other process");
      assertEquals("fulcrum.echo.v1.EchoService/Echo", first.span().getName());
      assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, second2.span().getKind());
      assertTrue(second2.span().getAttributesList().stream()
          .anyMatch(a -> a.getKey().equals("fulcrum.service") && a.getValue().getStringValue().equals(Mesh.SERVICE)));
    }
  }

  private static List<OtlpCollector.Received> traced(OtlpCollector collector) {
    return collector.spans().stream().filter(s -> hex(s.span().getTraceId()).equals(TRACE_ID)).toList();
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
