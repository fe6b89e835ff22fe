package dev.fulcrum.controlplane.injection;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.fulcrum.contract.http.HttpEndpoints;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * The webhook over HTTPS (the API server calls webhooks over TLS only): {@code POST} an
 * AdmissionReview to an {@link OptIn} path, get the answering AdmissionReview.
 */
public final class WebhookServer implements AutoCloseable {
  /** Far above any pod (etcd stores objects of 1.5 MiB at most); a bigger body is not a pod. */
  static final int MAX_BODY_BYTES = 4 << 20;

  private final AdmissionHandler handler;
  private HttpsServer server;
  private ExecutorService executor;

  public WebhookServer(AdmissionHandler handler) {
    this.handler = handler;
  }

  public synchronized void start(InetSocketAddress address, SSLContext tls) throws IOException {
    server = HttpsServer.create(address, 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    // A few threads: the API server sends pods in parallel, and each answer is quick.
    executor = Executors.newFixedThreadPool(4, runnable -> {
      Thread thread = new Thread(runnable, "sidecar-webhook");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext(OptIn.POD.path(), this::serve); // and every path under it
    server.start();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try {
      Optional<OptIn> optIn = OptIn.forPath(exchange.getRequestURI().getPath());
      if (optIn.isEmpty()) {
        HttpEndpoints.notFound(exchange);
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        HttpEndpoints.respond(exchange, 405, "text/plain", "POST an AdmissionReview\n");
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        HttpEndpoints.respond(exchange, 413, "text/plain", "larger than " + MAX_BODY_BYTES + " bytes\n");
        return;
      }
      HttpEndpoints.respond(exchange, 200, "application/json", handler.handle(body, optIn.get()));
    } finally {
      exchange.close();
    }
  }

  /** The port served on (the one chosen by the system when configured as 0). */
  public synchronized int port() {
    return server.getAddress().getPort();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }
}
