package dev.fulcrum.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.controlplane.injection.SelfSigned;
import dev.fulcrum.controlplane.injection.SidecarSettings;
import dev.fulcrum.controlplane.injection.WebhookConfig;
import dev.fulcrum.controlplane.mesh.Seed;
import dev.fulcrum.controlplane.source.StaticLinkSource;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole control plane as its Deployment runs it: the probes on the admin port, the webhook wired in. */
class ControlPlaneProbesAndWebhookTest {
  @TempDir Path dir;
  private ControlPlane controlPlane;

  @AfterEach
  void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  private static ControlPlaneConfig config() {
    return ControlPlaneConfig.of(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0));
  }

  private static ControlPlane create(ControlPlaneConfig config) {
    return ControlPlaneComponent.create(config, new StaticLinkSource("test",
        List.of(Seed.link(Seed.yaml("l", "svc", 50051, "127.0.0.1:7001")))));
  }

  private static int get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void theAdminPortAnswersTheProbes() throws Exception {
    controlPlane = create(config()).start();
    int admin = controlPlane.adminPort().orElseThrow();
    assertEquals(200, get(admin, "/live"));
    assertEquals(200, get(admin, "/ready"));
    assertTrue(controlPlane.webhookPort().isEmpty(), "no webhook unless configured");
  }

  @Test
  void theWebhookServesWhenConfigured() throws Exception {
    SelfSigned certificate = SelfSigned.create(dir, "RSA");
    controlPlane = create(config().withWebhook(new WebhookConfig(new InetSocketAddress("127.0.0.1", 0),
        certificate.certificate(), certificate.privateKey(), SidecarSettings.defaults()))).start();
    int port = controlPlane.webhookPort().orElseThrow();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      assertTrue(socket.isConnected());
    }
  }

  @Test
  void aWebhookKeyThatCannotBeUsedFailsTheStartInOneLine() throws Exception {
    Path crt = SelfSigned.create(dir, "RSA").certificate();
    Path key = Files.writeString(dir.resolve("tls.key"), "not a key\n");
    controlPlane = create(config().withWebhook(new WebhookConfig(new InetSocketAddress("127.0.0.1", 0), crt, key,
        SidecarSettings.defaults())));
    IllegalStateException e = assertThrows(IllegalStateException.class, controlPlane::start);
    assertEquals(key + ": no PEM private key in it", e.getMessage());
    assertFalse(controlPlane.webhookPort().isPresent());
  }
}
