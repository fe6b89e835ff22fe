package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.controlplane.mesh.MeshModel;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the status of each resource of one kind (Links' {@link LinkConditions}, Authorizations'
 * {@link AuthorizationConditions}) to its status subresource, only when it differs from what the
 * resource has (or what was last written and not yet seen back). Writes go out on a thread of
 * their own: the API server being slow or down never holds up serving proxies, and a failed write
 * is tried again after the next change.
 *
 * @param <R> the resource
 * @param <S> its status
 */
final class StatusWriter<R extends CustomResource<?, S>, S> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);

  /** How a model's statuses are computed: once per model, then per resource. */
  interface Statuses<R, S> {
    Function<R, S> of(MeshModel model, Instant now);
  }

  private final KubernetesClient client;
  private final Class<R> kind;
  private final Statuses<R, S> statuses;
  private final Clock clock;
  private final ExecutorService writer;
  /** What was last written per resource, so that it is not written again before the informer shows it. */
  private final Map<String, S> written = new HashMap<>();

  StatusWriter(KubernetesClient client, Class<R> kind, Statuses<R, S> statuses, Clock clock) {
    this.client = client;
    this.kind = kind;
    this.statuses = statuses;
    this.clock = clock;
    this.writer = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, kind.getSimpleName().toLowerCase(Locale.ROOT) + "-status-writer");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Brings the status of every one of {@code resources} in line with {@code model}. */
  void write(List<R> resources, MeshModel model) {
    Function<R, S> statusOf = statuses.of(model, clock.instant());
    Set<String> present = new HashSet<>();
    for (R resource : resources) {
      S status = statusOf.apply(resource);
      String key = key(resource);
      present.add(key);
      synchronized (written) {
        if (status.equals(resource.getStatus()) || status.equals(written.get(key))) {
          continue;
        }
        written.put(key, status);
      }
      writer.execute(() -> patch(resource, status));
    }
    synchronized (written) {
      written.keySet().retainAll(present); // deleted resources
    }
  }

  /** By uid, so that a resource deleted and created again under its name is a new one that needs a status. */
  private static String key(CustomResource<?, ?> resource) {
    String uid = resource.getMetadata().getUid();
    return uid != null ? uid : id(resource);
  }

  private static String id(CustomResource<?, ?> resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  private void patch(R resource, S status) {
    // A JSON patch that sets the whole status: no resourceVersion to conflict on (the status is
    // ours alone), and the conditions list is replaced, never merged with the previous one.
    String patch = client.getKubernetesSerialization().asJson(
        List.of(Map.of("op", "add", "path", "/status", "value", status)));
    try {
      client.resources(kind).inNamespace(resource.getMetadata().getNamespace())
          .withName(resource.getMetadata().getName())
          .status()
          .patch(PatchContext.of(PatchType.JSON), patch);
    } catch (RuntimeException e) {
      log.warn("cannot write the status of {} {} ({}); will try again after the next change",
          kind.getSimpleName(), id(resource), e.getMessage());
      synchronized (written) {
        written.remove(key(resource));
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
