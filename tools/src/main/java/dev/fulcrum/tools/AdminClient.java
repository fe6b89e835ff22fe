package dev.fulcrum.tools;

import dev.fulcrum.tools.Fulcrum.UnreachableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** GETs from an admin endpoint (a proxy's, or the control plane's dashboard) for the CLI. */
final class AdminClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT)
      .build();

  /** The body of {@code http://target/path}; what = "control plane", "proxy", for the error line. */
  String get(String what, HostPort target, String path) throws InterruptedException {
    String url = "http://" + target + path;
    HttpResponse<String> response;
    try {
      response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new UnreachableException(what + " at " + target + " does not answer (connection refused)");
    } catch (HttpTimeoutException e) {
      throw new UnreachableException(what + " at " + target + " does not answer within " + TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      throw new UnreachableException(what + " at " + target + " does not answer (" + e + ")");
    }
    if (response.statusCode() != 200) {
      throw new UnreachableException(url + " answered HTTP " + response.statusCode()
          + ": is " + target + " the " + what + "'s admin address?");
    }
    return response.body();
  }
}
