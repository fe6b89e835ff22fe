package dev.fulcrum.controlplane.injection;

import dev.fulcrum.controlplane.ControlPlaneConfig;
import java.io.IOException;
import java.util.OptionalInt;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar injection webhook, started when the configuration has one. Like the dashboard, it
 * stands beside the xDS pipeline: it reads nothing of it and holds nothing up.
 */
@Singleton
public final class InjectionWebhook implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InjectionWebhook.class);

  private final ControlPlaneConfig config;
  private final NamespaceLabels namespaceLabels;
  private WebhookServer server;

  @Inject
  InjectionWebhook(ControlPlaneConfig config, NamespaceLabels namespaceLabels) {
    this.config = config;
    this.namespaceLabels = namespaceLabels;
  }

  /** Throws {@link IllegalStateException}, one line, when the certificate or key cannot be used. */
  public synchronized void start() throws IOException {
    if (config.webhook().isEmpty()) {
      return;
    }
    WebhookConfig webhook = config.webhook().get();
    AdmissionHandler handler = new AdmissionHandler(new SidecarInjector(webhook.sidecar(), namespaceLabels));
    handler.warmUp();
    WebhookServer starting = new WebhookServer(handler);
    starting.start(webhook.address(), PemTls.serverContext(webhook.certificate(), webhook.privateKey()));
    server = starting;
    log.info("sidecar injection webhook on https://{}:{}{} (injecting {}, xDS at {}, inbound TLS {} by default)",
        webhook.address().getHostString(), server.port(), OptIn.POD.path(), webhook.sidecar().image(),
        webhook.sidecar().xdsServer(), webhook.sidecar().inboundTls().yamlName());
  }

  public synchronized OptionalInt port() {
    return server == null ? OptionalInt.empty() : OptionalInt.of(server.port());
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
