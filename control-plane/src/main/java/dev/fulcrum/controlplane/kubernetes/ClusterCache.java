package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.api.link.Authorization;
import dev.fulcrum.api.link.Link;
import dev.fulcrum.controlplane.kubernetes.KubernetesNames.ServiceName;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * What the control plane knows of the cluster: fabric8 shared informers for Links, Authorizations,
 * Services and EndpointSlices (discovery.k8s.io/v1), in one namespace or all. Reads come from the informers'
 * caches, never from the API server, so a rebuild costs no request; and while the API server is
 * unreachable the caches keep the last state seen, so the last good configuration keeps serving.
 * The informers re-watch, and re-list after a {@code 410 Gone}, by themselves.
 */
final class ClusterCache implements AutoCloseable {
  /** The label that ties an EndpointSlice to its Service. */
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  private static final String BY_SERVICE = "by-service";

  private final SharedIndexInformer<Link> links;
  private final SharedIndexInformer<Authorization> authorizations;
  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<EndpointSlice> endpointSlices;

  ClusterCache(KubernetesClient client, Optional<String> namespace) {
    links = informer(namespace.<Informable<Link>>map(ns -> client.resources(Link.class).inNamespace(ns))
        .orElseGet(() -> client.resources(Link.class).inAnyNamespace()));
    authorizations = informer(namespace.<Informable<Authorization>>map(ns -> client.resources(Authorization.class).inNamespace(ns))
        .orElseGet(() -> client.resources(Authorization.class).inAnyNamespace()));
    services = informer(namespace.<Informable<Service>>map(ns -> client.services().inNamespace(ns))
        .orElseGet(() -> client.services().inAnyNamespace()));
    endpointSlices = informer(namespace.<Informable<EndpointSlice>>map(ns -> client.discovery().v1().endpointSlices().inNamespace(ns))
        .orElseGet(() -> client.discovery().v1().endpointSlices().inAnyNamespace()));
    endpointSlices.addIndexers(Map.of(BY_SERVICE, slice -> {
      String service = slice.getMetadata().getLabels() == null ? null : slice.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
      return service == null ? List.of() : List.of(slice.getMetadata().getNamespace() + "/" + service);
    }));
  }

  private static <T> SharedIndexInformer<T> informer(Informable<T> resources) {
    SharedIndexInformer<T> informer = resources.runnableInformer(0); // no resync: watches are complete
    informer.exceptionHandler(new KeepWatching(informer.getApiTypeClass().getSimpleName()));
    return informer;
  }

  /**
   * Starts the informers, calling {@code onChange} whenever a Link's or an Authorization's spec, a
   * Service's spec or an EndpointSlice's endpoints or ports change, and returns once all have
   * listed everything.
   */
  void start(Runnable onChange, Duration syncTimeout) throws InterruptedException {
    links.addEventHandler(new ChangeTrigger<>(Link::getSpec, onChange));
    authorizations.addEventHandler(new ChangeTrigger<>(Authorization::getSpec, onChange));
    services.addEventHandler(new ChangeTrigger<>(Service::getSpec, onChange));
    endpointSlices.addEventHandler(new ChangeTrigger<>(
        slice -> List.of(String.valueOf(slice.getEndpoints()), String.valueOf(slice.getPorts()),
            String.valueOf(slice.getMetadata().getLabels())), onChange));
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    for (SharedIndexInformer<?> informer : List.of(links, authorizations, services, endpointSlices)) {
      synced.add(informer.start().toCompletableFuture());
    }
    try {
      CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).get(syncTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      close();
      throw new IllegalStateException("cannot list Links, Authorizations, Services and EndpointSlices from the"
          + " Kubernetes API (are the CRDs from deploy/crds/ installed, and may this account list and watch them?): "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      close();
      throw new IllegalStateException("the Kubernetes API did not list Links, Authorizations, Services and EndpointSlices within "
          + syncTimeout.toSeconds() + " s");
    }
  }

  List<Link> links() {
    return links.getStore().list();
  }

  List<Authorization> authorizations() {
    return authorizations.getStore().list();
  }

  Optional<Service> service(ServiceName name) {
    return Optional.ofNullable(services.getStore().getByKey(name.namespace() + "/" + name.name()));
  }

  /** The EndpointSlices labelled as belonging to the Service {@code name}. */
  List<EndpointSlice> endpointSlices(ServiceName name) {
    return endpointSlices.getIndexer().byIndex(BY_SERVICE, name.namespace() + "/" + name.name());
  }

  /** Whether every informer has a live watch (false while the API server is unreachable). */
  boolean watching() {
    return links.isWatching() && authorizations.isWatching() && services.isWatching() && endpointSlices.isWatching();
  }

  @Override
  public void close() {
    links.close();
    authorizations.close();
    services.close();
    endpointSlices.close();
  }
}
