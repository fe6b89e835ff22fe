package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkStatus;
import dev.fulcrum.controlplane.mesh.MeshLink;
import dev.fulcrum.controlplane.mesh.MeshModel;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each Link's {@link LinkConditions} to its status subresource, only when they differ from
 * what the Link has (or what was last written and not yet seen back). Writes go out on a thread
 * of their own: the API server being slow or down never holds up serving proxies, and a failed
 * write is tried again after the next change.
 */
final class LinkStatusWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LinkStatusWriter.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "link-status-writer");
    thread.setDaemon(true);
    return thread;
  });
  /** What was last written per Link, so that it is not written again before the informer shows it. */
  private final Map<String, LinkStatus> written = new HashMap<>();

  LinkStatusWriter(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Brings the status of every one of {@code links} in line with {@code model}. */
  void write(List<Link> links, MeshModel model) {
    Map<String, MeshLink> served = new HashMap<>();
    model.links().forEach(link -> served.put(link.id(), link));
    Set<String> present = new HashSet<>();
    for (Link link : links) {
      String id = LinkDocuments.id(link);
      LinkStatus status = LinkConditions.of(link, Optional.ofNullable(served.get(id)), model, clock.instant());
      String key = key(link);
      present.add(key);
      synchronized (written) {
        if (status.equals(link.getStatus()) || status.equals(written.get(key))) {
          continue;
        }
        written.put(key, status);
      }
      writer.execute(() -> patch(link, status));
    }
    synchronized (written) {
      written.keySet().retainAll(present); // deleted Links
    }
  }

  /** By uid, so that a Link deleted and created again under its name is a new Link that needs a status. */
  private static String key(Link link) {
    String uid = link.getMetadata().getUid();
    return uid != null ? uid : LinkDocuments.id(link);
  }

  private void patch(Link link, LinkStatus status) {
    // A JSON patch that sets the whole status: no resourceVersion to conflict on (the status is
    // ours alone), and the conditions list is replaced, never merged with the previous one.
    String patch = client.getKubernetesSerialization().asJson(
        List.of(Map.of("op", "add", "path", "/status", "value", status)));
    try {
      client.resources(Link.class).inNamespace(link.getMetadata().getNamespace())
          .withName(link.getMetadata().getName())
          .status()
          .patch(PatchContext.of(PatchType.JSON), patch);
    } catch (RuntimeException e) {
      log.warn("cannot write the status of Link {} ({}); will try again after the next change",
          LinkDocuments.id(link), e.getMessage());
      synchronized (written) {
        written.remove(key(link));
      }
    }
  }

  @Override
  public void close() {
    writer.shutdownNow();
    try {
      writer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
