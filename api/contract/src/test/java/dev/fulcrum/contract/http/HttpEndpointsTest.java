package dev.fulcrum.contract.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicBoolean ready = new AtomicBoolean();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    HttpEndpoints.probes(server, ready::get);
    HttpEndpoints.route(server, "/stats", "application/json", () -> "{}");
    HttpEndpoints.route(server, "/broken", "text/plain", () -> {
      throw new IllegalStateException("no stats yet");
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyFollowsItsStateAndLiveAnswers() throws Exception {
    assertEquals(503, get("/ready").statusCode());
    assertEquals("not ready\n", get("/ready").body());
    ready.set(true);
    assertEquals(200, get("/ready").statusCode());
    assertEquals("ready\n", get("/ready").body());
    assertEquals(200, get("/live").statusCode());
    assertEquals("no-store", get("/live").headers().firstValue("Cache-Control").orElse(""));
  }

  @Test
  void eachAnswersItsExactPathOnly() throws Exception {
    ready.set(true);
    assertEquals(404, get("/readyz").statusCode());
    assertEquals(404, get("/live/x").statusCode());
    assertEquals(404, get("/stats2").statusCode());
    assertEquals(200, get("/stats?verbose").statusCode());
  }

  @Test
  void aFailingRouteAnswers500NamingIt() throws Exception {
    HttpResponse<String> response = get("/broken");
    assertEquals(500, response.statusCode());
    assertEquals("/broken: java.lang.IllegalStateException: no stats yet\n", response.body());
  }
}
