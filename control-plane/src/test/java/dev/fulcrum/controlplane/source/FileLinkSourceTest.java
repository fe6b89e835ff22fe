package dev.fulcrum.controlplane.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.LinkYaml.Document;
import dev.fulcrum.api.link.SeedLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLinkSourceTest {
  @TempDir
  Path directory;

  @Test
  void handsTheSameDocumentsOverAgainEveryRefreshSoNamesAreLookedUpAgain() throws Exception {
    Path file = write("links.yaml", SeedLink.YAML);
    BlockingQueue<List<Document>> deliveries = new LinkedBlockingQueue<>();
    try (FileLinkSource source = new FileLinkSource(file, Duration.ofMillis(50))) {
      source.start(deliveries::add);
      List<Document> first = deliveries.take();
      for (int i = 0; i < 3; i++) {
        List<Document> again = deliveries.poll(5, TimeUnit.SECONDS);
        assertEquals(first, again, "re-delivery " + i + " of the unchanged file");
      }
    }
  }

  @Test
  void aChangedFileIsDeliveredAndThenRefreshedInItsNewForm() throws Exception {
    Path file = write("links.yaml", SeedLink.YAML);
    BlockingQueue<List<Document>> deliveries = new LinkedBlockingQueue<>();
    try (FileLinkSource source = new FileLinkSource(file, Duration.ofMillis(50))) {
      source.start(deliveries::add);
      String edited = SeedLink.YAML.replace("round-robin", "random");
      Path next = write("links.yaml.next", edited);
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      List<Document> latest = List.of();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && !latest.toString().contains("random")) {
        latest = deliveries.poll(1, TimeUnit.SECONDS);
        latest = latest == null ? List.of() : latest;
      }
      assertTrue(latest.toString().contains("random"), "the edit was delivered: " + latest);
      assertEquals(latest, deliveries.poll(5, TimeUnit.SECONDS), "and is what the next refresh hands over");
    }
  }

  private Path write(String name, String content) throws Exception {
    return Files.writeString(directory.resolve(name), content);
  }
}
