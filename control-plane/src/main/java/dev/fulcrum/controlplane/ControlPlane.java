package dev.fulcrum.controlplane;

import dev.fulcrum.api.link.LinkYaml.Document;
import dev.fulcrum.controlplane.dashboard.Dashboard;
import dev.fulcrum.controlplane.injection.InjectionWebhook;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.MeshReconciler;
import dev.fulcrum.controlplane.source.LinkSource;
import dev.fulcrum.controlplane.xds.MeshPublisher;
import dev.fulcrum.controlplane.xds.XdsServer;
import dev.fulcrum.controlplane.xds.XdsStreamStats;
import java.util.List;
import java.util.OptionalInt;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's pipeline, end to end: a {@link LinkSource} hands over documents, the
 * {@link MeshReconciler} makes them a model, the {@link MeshPublisher} makes that xDS, and the
 * {@link XdsServer} streams it to proxies. Nothing downstream reaches back upstream.
 */
@Singleton
public final class ControlPlane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  private final LinkSource source;
  private final MeshReconciler reconciler;
  private final MeshPublisher publisher;
  private final XdsServer server;
  private final XdsStreamStats stats;
  private final Dashboard dashboard;
  private final InjectionWebhook webhook;

  @Inject
  ControlPlane(LinkSource source, MeshReconciler reconciler, MeshPublisher publisher,
      XdsServer server, XdsStreamStats stats, Dashboard dashboard, InjectionWebhook webhook) {
    this.source = source;
    this.reconciler = reconciler;
    this.publisher = publisher;
    this.server = server;
    this.stats = stats;
    this.dashboard = dashboard;
    this.webhook = webhook;
  }

  /**
   * Loads the Links, then starts serving: no proxy is ever answered from an empty configuration.
   * The dashboard's {@code /ready} says whether ADS is being served.
   */
  public ControlPlane start() throws Exception {
    source.start(this::onDocuments);
    server.start();
    log.info("control plane serving xDS (ADS) on port {}", server.port());
    webhook.start();
    dashboard.start(server::serving);
    return this;
  }

  private void onDocuments(List<Document> documents) {
    List<String> previousErrors = reconciler.current().errors();
    MeshModel model = reconciler.reconcile(documents);
    if (!model.errors().equals(previousErrors)) {
      model.errors().forEach(error -> log.error("invalid Link configuration: {}", error));
    }
    publisher.publish(model);
    source.reconciled(model);
  }

  public int xdsPort() {
    return server.port();
  }

  /** The model last built from the source, with its errors. */
  public MeshModel model() {
    return reconciler.current();
  }

  public XdsStreamStats stats() {
    return stats;
  }

  /** The dashboard's port (the one chosen by the system when configured as 0), if it serves one. */
  public OptionalInt adminPort() {
    return dashboard.port();
  }

  /** The sidecar injection webhook's port, if it serves one. */
  public OptionalInt webhookPort() {
    return webhook.port();
  }

  @Override
  public void close() {
    dashboard.close();
    webhook.close();
    source.close();
    server.close();
  }
}
