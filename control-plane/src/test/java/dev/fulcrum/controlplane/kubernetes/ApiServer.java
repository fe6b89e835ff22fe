package dev.fulcrum.controlplane.kubernetes;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;

/**
 * fabric8's mock API server in CRUD mode, a real HTTP stand-in for Kubernetes: objects created
 * through it are listed and watched by the real client and informers. {@link #withCrds} applies
 * the generated Link and Authorization CRDs, as {@code kubectl apply -f deploy/crds/} would.
 */
final class ApiServer implements AutoCloseable {
  private final KubernetesMockServer server;
  /** The client a user (kubectl) would have; the control plane gets clients of its own. */
  final KubernetesClient admin;

  ApiServer() {
    this(new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false));
  }

  private ApiServer(KubernetesMockServer server) {
    this(server, null, 0);
  }

  private ApiServer(KubernetesMockServer server, String host, int port) {
    this.server = server;
    if (host == null) {
      server.init();
    } else {
      try {
        server.init(InetAddress.getByName(host), port);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    admin = server.createClient();
  }

  /** A server in CRUD mode whose watches and reads {@code faults} can break. */
  static ApiServer with(ApiServerFaults faults) {
    return new ApiServer(new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false));
  }

  /**
   * This server stopped (every connection drops), and a new, empty one with {@code faults} on the
   * same address and port, as an API server comes back after a restart: clients find it where they
   * left it.
   */
  ApiServer restartedWith(ApiServerFaults faults) {
    String host = server.getHostName();
    int port = server.getPort();
    close();
    return new ApiServer(new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false),
        host, port);
  }

  /** A server that knows no resource at all (404 for everything), as one without the Link CRD answers for Links. */
  static ApiServer withoutResources() {
    return new ApiServer(new KubernetesMockServer(false));
  }

  ApiServer withCrds() throws Exception {
    for (String name : List.of("links.linkerd.io-v1.yml", "authorizations.linkerd.io-v1.yml")) {
      try (InputStream crd = ApiServer.class.getClassLoader().getResourceAsStream("META-INF/fabric8/" + name)) {
        admin.resource(admin.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
      }
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
