package dev.fulcrum.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkStatus;
import dev.fulcrum.testing.Await;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tools/fulcrum control-plane --kubernetes} as a real process against the mock API server. */
class KubernetesLauncherTest {
  private static final Duration QUICK = Duration.ofSeconds(60);

  @Test
  void servesTheClustersLinksAndWritesTheirStatus() throws Exception {
    try (KubernetesCluster cluster = new KubernetesCluster()) {
      cluster.service("grpc-service-v1", 7001);
      cluster.endpointSlice("grpc-service-v1", "grpc-service-v1-a", 7001, Map.of("127.0.0.2", KubernetesCluster.READY));
      cluster.apply(Mesh.link("my-grpc-service", "grpc-service.default.svc.cluster.local", 50051, "7001")
          .replace("name: 127.0.0.1", "name: grpc-service-v1"));
      Path log = Files.createTempFile("control-plane", ".log");
      int port = Launcher.freePort();
      Process process = Launcher.start(cluster.environment(), log, "control-plane", "--kubernetes",
          "--namespace", "default", "--xds-port", String.valueOf(port), "--xds-address", "127.0.0.1");
      try {
        Launcher.awaitPort(port, QUICK);
        Await.until(() -> {
          Link link = cluster.get("my-grpc-service");
          return link.getStatus() != null && "1/1".equals(link.getStatus().targetsReady());
        }, Duration.ofSeconds(10), "the Link's status written by the process");
        assertTrue(cluster.get("my-grpc-service").getStatus().conditions().stream()
            .anyMatch(c -> c.getType().equals(LinkStatus.ACCEPTED) && c.getStatus().equals("True")));
        assertTrue(Files.readString(log).contains("serving 1 Link(s)"), Files.readString(log));
      } finally {
        process.destroy();
        process.waitFor();
      }
    }
  }

  @Test
  void anApiServerWithoutTheCrdStopsItWithOneLine() throws Exception {
    KubernetesMockServer noResources = new KubernetesMockServer(false); // answers 404 to everything
    noResources.init();
    try {
      Launcher.Result result = Launcher.run(KubernetesCluster.environment(noResources.url("/")), QUICK,
          "control-plane", "--kubernetes", "--xds-port", String.valueOf(Launcher.freePort()));
      assertEquals(2, result.exitCode(), result.stdout() + result.stderr());
      String[] lines = result.stderr().strip().split("\n");
      assertEquals(1, lines.length, "one line, not:\n" + result.stderr());
      assertTrue(lines[0].startsWith("fulcrum control-plane: cannot list Links") && lines[0].contains("deploy/crds"), lines[0]);
    } finally {
      noResources.destroy();
    }
  }

  @Test
  void eitherAFileOrKubernetes() throws Exception {
    Launcher.Result neither = Launcher.run(QUICK, "control-plane", "--xds-port", "0");
    assertEquals(2, neither.exitCode());
    assertTrue(neither.stderr().contains("--config=FILE | --kubernetes"), neither.stderr());
    Launcher.Result both = Launcher.run(QUICK, "control-plane", "--config", "links.yaml", "--kubernetes");
    assertEquals(2, both.exitCode());
    assertTrue(both.stderr().contains("mutually exclusive"), both.stderr());
  }
}
