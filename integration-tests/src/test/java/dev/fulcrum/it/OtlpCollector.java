package dev.fulcrum.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A real OTLP/HTTP trace collector in the test: it keeps every span exported to it. */
final class OtlpCollector implements AutoCloseable {
  /** A span and the {@code service.instance.id} of the process that sent it. */
  record Received(Span span, String instance) {}

  private final HttpServer server;
  private final List<Received> spans = new ArrayList<>();

  OtlpCollector() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext("/v1/traces", exchange -> {
      try {
        receive(exchange);
      } catch (RuntimeException | Error e) {
        e.printStackTrace(); // the JDK server would drop it silently and just close the connection
        throw e;
      }
    });
    server.start();
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (InputStream body = exchange.getRequestBody()) {
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
      synchronized (spans) {
        for (ResourceSpans resource : request.getResourceSpansList()) {
          String instance = resource.getResource().getAttributesList().stream()
              .filter(a -> a.getKey().equals("service.instance.id"))
              .map(a -> a.getValue().getStringValue()).findFirst().orElse("");
          for (ScopeSpans scope : resource.getScopeSpansList()) {
            scope.getSpansList().forEach(span -> spans.add(new Received(span, instance)));
          }
        }
      }
    }
    byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, response.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(response);
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
  }

  List<Received> spans() {
    synchronized (spans) {
      return List.copyOf(spans);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
