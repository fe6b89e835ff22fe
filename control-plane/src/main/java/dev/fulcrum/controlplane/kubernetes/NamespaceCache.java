package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.controlplane.injection.NamespaceLabels;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespaces' labels, for the injector: an informer's cache (the namespace watched, or all),
 * and until it has listed, the API server asked directly, so that a pod admitted at start gets its
 * namespace's settings rather than the defaults. Reading namespaces needs the ClusterRole of
 * deploy/control-plane-rbac.yaml; without it every namespace reads as unlabelled, said once.
 */
final class NamespaceCache implements NamespaceLabels, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NamespaceCache.class);

  private final KubernetesClient client;
  private final SharedIndexInformer<Namespace> informer;
  private final AtomicBoolean told = new AtomicBoolean();

  NamespaceCache(KubernetesClient client, Optional<String> namespace) {
    this.client = client;
    this.informer = namespace.map(ns -> client.namespaces().withField("metadata.name", ns).runnableInformer(0))
        .orElseGet(() -> client.namespaces().runnableInformer(0));
    informer.exceptionHandler((started, error) -> {
      cannotRead(error);
      return true;
    });
  }

  void start() {
    informer.start();
  }

  @Override
  public Map<String, String> of(String namespace) {
    Namespace found;
    if (informer.hasSynced()) {
      found = informer.getStore().getByKey(namespace);
    } else {
      try {
        found = client.namespaces().withName(namespace).get();
      } catch (KubernetesClientException e) {
        cannotRead(e);
        return Map.of();
      }
    }
    return found == null || found.getMetadata().getLabels() == null ? Map.of() : Map.copyOf(found.getMetadata().getLabels());
  }

  private void cannotRead(Throwable error) {
    if (told.compareAndSet(false, true)) {
      log.warn("cannot read namespaces ({}); until it can, injected pods take their settings from their own"
          + " annotations and the control plane's defaults, not from their namespace's labels"
          + " (is the namespaces rule of deploy/control-plane-rbac.yaml applied?)", error.toString());
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
