package dev.fulcrum.contract.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fulcrum.contract.AdminPaths;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every Fulcrum HTTP endpoint answers (the proxy's admin, the dashboard, the webhook), on the
 * JDK's server: the kubelet probes both planes the same way, so their probes are written once.
 */
public final class HttpEndpoints {
  private static final Logger log = LoggerFactory.getLogger(HttpEndpoints.class);

  private HttpEndpoints() {}

  /**
   * {@code /live}, 200 while the process answers at all, and {@code /ready}, 200 or 503 as
   * {@code ready} says; each at its exact path ({@code /readyz} is not it).
   */
  public static void probes(HttpServer server, BooleanSupplier ready) {
    probe(server, AdminPaths.LIVE, () -> true, "live\n", "not live\n");
    probe(server, AdminPaths.READY, ready, "ready\n", "not ready\n");
  }

  private static void probe(HttpServer server, String path, BooleanSupplier state, String yes, String no) {
    server.createContext(path, exchange -> {
      if (!exchange.getRequestURI().getPath().equals(path)) {
        notFound(exchange);
        return;
      }
      boolean ok = state.getAsBoolean();
      respond(exchange, ok ? 200 : 503, "text/plain", ok ? yes : no);
    });
  }

  /** {@code path} answers {@code body}; an error answers 500 naming it, and is logged. */
  public static void route(HttpServer server, String path, String contentType, Callable<String> body) {
    server.createContext(path, exchange -> {
      if (!exchange.getRequestURI().getPath().equals(path)) {
        notFound(exchange);
        return;
      }
      String text;
      try {
        text = body.call();
      } catch (Exception e) {
        log.warn("{} failed", path, e);
        respond(exchange, 500, "text/plain", path + ": " + e + "\n");
        return;
      }
      respond(exchange, 200, contentType, text);
    });
  }

  public static void notFound(HttpExchange exchange) throws IOException {
    respond(exchange, 404, "text/plain", "no page " + exchange.getRequestURI().getPath() + "\n");
  }

  public static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
    respond(exchange, code, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Answers and closes the exchange; nothing here is worth a cache. */
  public static void respond(HttpExchange exchange, int code, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
