package dev.fulcrum.controlplane.kubernetes;

import com.google.common.net.HostAndPort;
import dev.fulcrum.controlplane.injection.InjectionPolicy;
import dev.fulcrum.controlplane.injection.ProxyContainer;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.source.KnownProxy;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running pods that have Fulcrum's proxy (the injector labels them {@value InjectionPolicy#PROXY_LABEL}),
 * where each proxy's admin endpoint answers (the pod's IP and the proxy's
 * {@value ProxyContainer#ADMIN_PORT_NAME} port), and which endpoints are meshed (their pods' inbound sides). With two control plane replicas each proxy's ADS
 * stream goes to one of them; this is how the other sees it too.
 *
 * <p>Best effort, unlike the Links' informers: the control plane starts without waiting for the
 * list, and one that may not list pods (an older RBAC) serves as before, its dashboard showing the
 * proxies connected to it, and every endpoint reached in plaintext at its application port.
 */
final class ProxyPods implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProxyPods.class);

  private final SharedIndexInformer<Pod> informer;

  ProxyPods(KubernetesClient client, Optional<String> namespace) {
    informer = namespace.<Informable<Pod>>map(ns -> client.pods().inNamespace(ns).withLabel(InjectionPolicy.PROXY_LABEL))
        .orElseGet(() -> client.pods().inAnyNamespace().withLabel(InjectionPolicy.PROXY_LABEL))
        .runnableInformer(0);
    informer.exceptionHandler(new KeepTrying());
  }

  /** Starts watching, calling {@code onChange} when a pod's sidecar appears, goes, or moves its inbound side. */
  void start(Runnable onChange) {
    informer.addEventHandler(new ChangeTrigger<>(ProxyPods::inbound, onChange));
    informer.start();
  }

  /** The inbound side of the sidecar of the pod {@code namespace/name}, if it has one. */
  Optional<Endpoint.Inbound> inboundOf(String namespace, String name) {
    return Optional.ofNullable(informer.getStore().getByKey(namespace + "/" + name)).flatMap(ProxyPods::inbound);
  }

  /**
   * A pod's sidecar's inbound side: the proxy's {@value ProxyContainer#INBOUND_PORT_NAME} port and
   * the identity it proves, the pod's service account, as the injector gave it.
   */
  static Optional<Endpoint.Inbound> inbound(Pod pod) {
    return ProxyContainer.port(pod.getSpec(), ProxyContainer.INBOUND_PORT_NAME).map(port -> new Endpoint.Inbound(port,
        pod.getMetadata().getNamespace() + "/" + InjectionPolicy.serviceAccount(pod.getSpec())));
  }

  /** Whether the informer is watching now (after its first listing, while the API server answers). */
  boolean watching() {
    return informer.isWatching();
  }

  List<KnownProxy> list() {
    return informer.getStore().list().stream()
        .flatMap(pod -> proxy(pod).stream())
        .sorted(Comparator.comparing(KnownProxy::name))
        .toList();
  }

  /** The pod's proxy, if it runs and its admin port is declared. */
  static Optional<KnownProxy> proxy(Pod pod) {
    if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase()) || pod.getStatus().getPodIP() == null) {
      return Optional.empty();
    }
    return ProxyContainer.port(pod.getSpec(), ProxyContainer.ADMIN_PORT_NAME)
        .map(port -> new KnownProxy(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(),
            HostAndPort.fromParts(pod.getStatus().getPodIP(), port).toString()));
  }

  @Override
  public void close() {
    informer.close();
  }

  /** Retries forever (the informer's backoff), saying once why the pods cannot be seen. */
  private static final class KeepTrying implements ExceptionHandler {
    private final AtomicBoolean told = new AtomicBoolean();

    @Override
    public boolean retryAfterException(boolean started, Throwable error) {
      if (told.compareAndSet(false, true)) {
        log.warn("cannot watch the proxies' pods ({}); retrying. Meanwhile this replica's dashboard shows only"
            + " the proxies connected to it (is the pods rule of deploy/control-plane-rbac.yaml applied?)", error.toString());
      }
      return true;
    }
  }
}
