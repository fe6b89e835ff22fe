package dev.fulcrum.controlplane.kubernetes;

import dev.fulcrum.api.link.Authorization;
import dev.fulcrum.api.link.AuthorizationStatus;
import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkStatus;
import dev.fulcrum.api.link.LinkYaml.Document;
import dev.fulcrum.controlplane.injection.NamespaceLabels;
import dev.fulcrum.controlplane.mesh.EndpointResolver;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.ServiceAliases;
import dev.fulcrum.controlplane.source.KnownProxy;
import dev.fulcrum.controlplane.source.LinkSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Links and Authorizations from the Kubernetes API. Whenever one of them, a Service or an EndpointSlice changes (a burst
 * coalesced over {@link Settings#coalesceWindow}), the complete set of Links is delivered again
 * from the informers' caches; the pipeline downstream re-sends only the xDS types that changed,
 * so an endpoint change goes out as EDS alone. Targets resolve through EndpointSlices, services
 * answer to their short and long names, and each Link's status says what became of it.
 */
public final class KubernetesLinkSource implements LinkSource {
  private static final Logger log = LoggerFactory.getLogger(KubernetesLinkSource.class);

  /**
   * @param namespace the one namespace to watch, or empty for all
   * @param coalesceWindow how long a burst of events may gather before one rebuild
   * @param syncTimeout how long to wait for the first complete listing at start
   */
  public record Settings(Optional<String> namespace, String clusterDomain, Duration coalesceWindow, Duration syncTimeout) {
    public static Settings defaults(Optional<String> namespace) {
      return new Settings(namespace, KubernetesNames.DEFAULT_CLUSTER_DOMAIN, Duration.ofMillis(5), Duration.ofSeconds(60));
    }
  }

  private final Settings settings;
  private final ClusterCache cache;
  private final ProxyPods proxyPods;
  private final NamespaceCache namespaces;
  private final KubernetesNames names;
  private final LinkDocuments documents;
  private final EndpointSliceResolver resolver;
  private final StatusWriter<Link, LinkStatus> linkStatus;
  private final StatusWriter<Authorization, AuthorizationStatus> authorizationStatus;
  private volatile boolean synced;
  /** The resources of the last delivery; read and written on the delivery thread only. */
  private List<Link> deliveredLinks = List.of();
  private List<Authorization> deliveredAuthorizations = List.of();
  /** The one thread that delivers documents, as LinkSource promises. */
  private final ScheduledExecutorService delivery = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "kubernetes-links");
    thread.setDaemon(true);
    return thread;
  });

  public KubernetesLinkSource(KubernetesClient client, Settings settings) {
    this.settings = settings;
    this.cache = new ClusterCache(client, settings.namespace());
    this.proxyPods = new ProxyPods(client, settings.namespace());
    this.namespaces = new NamespaceCache(client, settings.namespace());
    this.names = new KubernetesNames(settings.clusterDomain());
    this.documents = new LinkDocuments(names, client.getKubernetesSerialization());
    this.resolver = new EndpointSliceResolver(cache, names, proxyPods::inboundOf);
    this.linkStatus = new StatusWriter<>(client, Link.class, LinkConditions::of, Clock.systemUTC());
    this.authorizationStatus = new StatusWriter<>(client, Authorization.class, AuthorizationConditions::of, Clock.systemUTC());
  }

  @Override
  public void start(Consumer<List<Document>> onChange) throws Exception {
    ChangeCoalescer coalescer = new ChangeCoalescer(delivery, settings.coalesceWindow(), () -> deliver(onChange));
    // Nothing is delivered before all three informers have listed everything: a Link seen before
    // its Services would be served (and reported) without endpoints.
    cache.start(() -> {
      if (synced) {
        coalescer.changed();
      }
    }, settings.syncTimeout());
    synced = true; // events from here on are delivered; those before are in the first delivery
    // Best effort (see ProxyPods): until the pods are listed, endpoints read as not meshed, reached
    // in plaintext at their application ports, which their sidecars leave open.
    proxyPods.start(coalescer::changed);
    namespaces.start();
    log.info("watching Links, Services and EndpointSlices in {}", settings.namespace().map(ns -> "namespace " + ns).orElse("all namespaces"));
    delivery.submit(() -> deliver(onChange)).get(); // the first delivery before start returns
  }

  private void deliver(Consumer<List<Document>> onChange) {
    try {
      List<Link> links = cache.links();
      List<Authorization> authorizations = cache.authorizations();
      deliveredLinks = links;
      deliveredAuthorizations = authorizations;
      onChange.accept(documents.of(links, authorizations));
    } catch (RuntimeException e) {
      log.error("rebuilding from the Kubernetes state failed; the last configuration keeps serving", e);
    }
  }

  @Override
  public EndpointResolver endpointResolver() {
    return resolver;
  }

  @Override
  public ServiceAliases serviceAliases() {
    return names;
  }

  @Override
  public List<KnownProxy> knownProxies() {
    return proxyPods.list();
  }

  @Override
  public NamespaceLabels namespaceLabels() {
    return namespaces;
  }

  @Override
  public void reconciled(MeshModel model) {
    // the resources this model was built from, not newer ones
    linkStatus.write(deliveredLinks, model);
    authorizationStatus.write(deliveredAuthorizations, model);
  }

  /** Whether the informers are watching the API server now (false while it is unreachable). */
  public boolean watching() {
    return cache.watching();
  }

  @Override
  public void close() {
    delivery.shutdownNow();
    cache.close();
    proxyPods.close();
    namespaces.close();
    linkStatus.close();
    authorizationStatus.close();
  }
}
