package dev.fulcrum.controlplane.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkStatus;
import dev.fulcrum.controlplane.mesh.Seed;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The informer re-delivers objects on relist (after a 410 Gone or a reconnect) and our own status
 * writes come back as updates; neither may cause a rebuild. The mock API server never relists on
 * its own, so these events are played here directly.
 */
class ChangeTriggerTest {
  private final AtomicInteger changes = new AtomicInteger();
  private final ChangeTrigger<Link> trigger = new ChangeTrigger<>(Link::getSpec, changes::incrementAndGet);

  private static Link link(String yaml, String resourceVersion) {
    Link link = Seed.link(yaml);
    link.getMetadata().setResourceVersion(resourceVersion);
    return link;
  }

  @Test
  void addsAndDeletesAreChanges() {
    trigger.onAdd(link(Seed.YAML, "1"));
    trigger.onDelete(link(Seed.YAML, "1"), false);
    trigger.onDelete(link(Seed.YAML, "1"), true); // deleted while the watch was down: seen at relist
    assertEquals(3, changes.get());
  }

  @Test
  void aRelistThatRedeliversTheSameObjectIsNoChange() {
    trigger.onUpdate(link(Seed.YAML, "7"), link(Seed.YAML, "7"));
    assertEquals(0, changes.get());
  }

  @Test
  void aStatusWriteIsNoChange() {
    Link after = link(Seed.YAML, "8");
    after.setStatus(new LinkStatus(1L, List.of(), "2/2"));
    trigger.onUpdate(link(Seed.YAML, "7"), after);
    assertEquals(0, changes.get());
  }

  @Test
  void aSpecEditIsAChangeWhateverTheResourceVersionSays() {
    // Even if a relist hands back an edited object under a version number we have seen.
    trigger.onUpdate(link(Seed.YAML, "7"), link(Seed.YAML.replace("round-robin", "random"), "7"));
    assertEquals(1, changes.get());
  }
}
