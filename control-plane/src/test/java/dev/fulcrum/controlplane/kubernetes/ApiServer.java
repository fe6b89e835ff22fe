package dev.fulcrum.controlplane.kubernetes;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.InputStream;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode, a real HTTP stand-in for Kubernetes: objects created
 * through it are listed and watched by the real client and informers. {@link #withLinkCrd} applies
 * the generated Link CRD, as {@code kubectl apply -f deploy/crds/} would.
 */
final class ApiServer implements AutoCloseable {
  private final KubernetesMockServer server;
  /** The client a user (kubectl) would have; the control plane gets clients of its own. */
  final KubernetesClient admin;

  ApiServer() {
    this(new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false));
  }

  private ApiServer(KubernetesMockServer server) {
    this.server = server;
    server.init();
    admin = server.createClient();
  }

  /** A server that knows no resource at all (404 for everything), as one without the Link CRD answers for Links. */
  static ApiServer withoutResources() {
    return new ApiServer(new KubernetesMockServer(false));
  }

  ApiServer withLinkCrd() throws Exception {
    try (InputStream crd = ApiServer.class.getClassLoader().getResourceAsStream("META-INF/fabric8/links.linkerd.io-v1.yml")) {
      admin.resource(admin.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
    }
    return this;
  }

  KubernetesClient newClient() {
    return server.createClient();
  }

  @Override
  public void close() {
    admin.close();
    server.destroy();
  }
}
