package dev.fulcrum.it.bench;

import dev.fulcrum.api.link.Link;
import dev.fulcrum.api.link.LinkSpec;
import dev.fulcrum.api.link.Policy;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Kubernetes mode at scale, as a separate command (tools/bench-kubernetes.sh), not a test: a mock
 * API server holding SERVICES Services with ENDPOINTS endpoints each and one Link per Service; a
 * control plane as its own process ({@code tools/fulcrum control-plane --kubernetes}); SUBSCRIBERS
 * ADS streams, each subscribed to every Link's endpoints, as proxies would be. It measures the time
 * from an EndpointSlice write to every subscriber holding the new endpoints (p50, p99, max), the
 * control plane's heap and RSS, and the time of a full sync (start to the first complete
 * configuration at a subscriber).
 */
public final class KubernetesScaleBench {
  private static final String NAMESPACE = "bench";
  private static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  private static final EndpointConditions READY = new EndpointConditions(true, true, false);

  private final int services;
  private final int endpoints;
  private final int subscribers;
  private final int changes;

  private KubernetesScaleBench(int services, int endpoints, int subscribers, int changes) {
    this.services = services;
    this.endpoints = endpoints;
    this.subscribers = subscribers;
    this.changes = changes;
  }

  public static void main(String[] args) throws Exception {
    Map<String, Integer> flags = new HashMap<>(Map.of("services", 1000, "endpoints", 10, "subscribers", 20, "changes", 100));
    for (int i = 0; i + 1 < args.length; i += 2) {
      String name = args[i].replaceFirst("^--", "");
      if (!flags.containsKey(name)) {
        throw new IllegalArgumentException("unknown flag " + args[i] + "; known: " + flags.keySet());
      }
      flags.put(name, Integer.parseInt(args[i + 1]));
    }
    new KubernetesScaleBench(flags.get("services"), flags.get("endpoints"), flags.get("subscribers"), flags.get("changes")).run();
    System.exit(0);
  }

  private static String serviceName(int i) {
    return "svc-" + i;
  }

  /** The authority of Link i, which names its Listener, Cluster and ClusterLoadAssignment. */
  private static String authority(int i) {
    return serviceName(i) + "." + NAMESPACE + ".svc.cluster.local:80";
  }

  private static String address(int service, int endpoint) {
    return "10." + (service / 250) + "." + (service % 250) + "." + (endpoint + 1);
  }

  private EndpointSlice slice(int service, List<String> addresses) {
    return new EndpointSliceBuilder()
        .withNewMetadata().withNamespace(NAMESPACE).withName(serviceName(service) + "-a")
            .addToLabels("kubernetes.io/service-name", serviceName(service)).endMetadata()
        .withAddressType("IPv4")
        .withPorts(new EndpointPortBuilder().withName("grpc").withPort(8080).withProtocol("TCP").build())
        .withEndpoints(addresses.stream().map(a -> new EndpointBuilder().withAddresses(a).withConditions(READY).build()).toList())
        .build();
  }

  private void run() throws Exception {
    java.util.logging.Logger mockLog = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    mockLog.setLevel(java.util.logging.Level.WARNING); // it logs every request
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init();
    KubernetesClient kubectl = server.createClient();
    dev.fulcrum.it.Crds.apply(kubectl, Path.of("deploy", "crds"));
    long filling = System.nanoTime();
    for (int i = 0; i < services; i++) {
      kubectl.resource(new ServiceBuilder()
          .withNewMetadata().withNamespace(NAMESPACE).withName(serviceName(i)).endMetadata()
          .withNewSpec().withPorts(new ServicePortBuilder().withName("grpc").withPort(80)
              .withTargetPort(new IntOrString("grpc")).build()).endSpec().build()).create();
      int service = i;
      kubectl.resource(slice(i, IntStream.range(0, endpoints).mapToObj(e -> address(service, e)).toList())).create();
      Link link = new Link();
      link.setMetadata(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(serviceName(i)).build());
      link.setSpec(new LinkSpec(new LinkSpec.ServiceRef(serviceName(i) + "." + NAMESPACE + ".svc.cluster.local", 80),
          List.of(new LinkSpec.TargetRef(serviceName(i), 80)), "round-robin", new Policy("5s", List.of("unavailable"))));
      kubectl.resource(link).create();
    }
    System.out.printf("mock API server: %d Services x %d endpoints, %d Links, created in %.1f s%n",
        services, endpoints, services, (System.nanoTime() - filling) / 1e9);

    int xdsPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      xdsPort = socket.getLocalPort();
    }
    Path log = Files.createTempFile("fulcrum-bench-control-plane", ".log");
    ProcessBuilder builder = new ProcessBuilder("tools/fulcrum", "control-plane", "--kubernetes",
        "--xds-port", String.valueOf(xdsPort), "--xds-address", "127.0.0.1")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("KUBERNETES_MASTER", server.url("/"));
    builder.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    builder.environment().put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    builder.environment().put("KUBERNETES_NAMESPACE", NAMESPACE);
    long started = System.nanoTime();
    Process controlPlane = builder.start();
    List<Subscriber> streams = new ArrayList<>();
    try {
      awaitPort(xdsPort, Duration.ofSeconds(120));
      List<String> names = IntStream.range(0, services).mapToObj(KubernetesScaleBench::authority).toList();
      for (int s = 0; s < subscribers; s++) {
        streams.add(new Subscriber("bench-" + s, xdsPort, names));
      }
      for (Subscriber stream : streams) {
        stream.awaitComplete(services, Duration.ofSeconds(120));
      }
      double fullSync = (System.nanoTime() - started) / 1e9;
      System.out.printf("full sync: %.2f s from starting the control plane process to all %d subscribers holding"
          + " all %d endpoint sets (JVM start, listing, building, serving)%n", fullSync, subscribers, services);

      // The mock server's own share of the latency: when a plain watch sees each slice change.
      Map<String, Long> watched = new ConcurrentHashMap<>();
      KubernetesClient watcherClient = server.createClient();
      watcherClient.discovery().v1().endpointSlices().inNamespace(NAMESPACE).watch(new io.fabric8.kubernetes.client.Watcher<>() {
        @Override
        public void eventReceived(Action action, EndpointSlice slice) {
          watched.put(slice.getMetadata().getName() + "/" + slice.getEndpoints().get(slice.getEndpoints().size() - 1).getAddresses().get(0), System.nanoTime());
        }

        @Override
        public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
      });
      Thread.sleep(500);
      List<Long> apiServer = new ArrayList<>();
      List<Long> allSubscribers = new ArrayList<>();
      List<Long> perSubscriber = new ArrayList<>();
      for (int change = 0; change < changes; change++) {
        int service = (change * 37) % services;
        String marker = "10.255." + (change / 250) + "." + (change % 250 + 1);
        List<String> addresses = new ArrayList<>(IntStream.range(0, endpoints - 1).mapToObj(e -> address(service, e)).toList());
        addresses.add(marker);
        long written = System.nanoTime();
        kubectl.resource(slice(service, addresses)).update();
        long last = 0;
        for (Subscriber stream : streams) {
          long seen = stream.awaitAddress(authority(service), marker, Duration.ofSeconds(30));
          perSubscriber.add(seen - written);
          last = Math.max(last, seen - written);
        }
        allSubscribers.add(last);
        Long seenByWatch = watched.get(serviceName(service) + "-a/" + marker);
        if (seenByWatch != null) {
          apiServer.add(seenByWatch - written);
        }
        Thread.sleep(20);
      }
      System.out.printf("EndpointSlice write -> every one of %d subscribers has it (%d changes): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          subscribers, changes, percentile(allSubscribers, 50), percentile(allSubscribers, 99), percentile(allSubscribers, 100));
      System.out.printf("EndpointSlice write -> one subscriber has it: p50 %.1f ms, p99 %.1f ms%n",
          percentile(perSubscriber, 50), percentile(perSubscriber, 99));
      System.out.printf("of which the mock API server (write -> a plain watch sees it): p50 %.1f ms, p99 %.1f ms (%d samples)%n",
          percentile(apiServer, 50), percentile(apiServer, 99), apiServer.size());
      watcherClient.close();
      memory(controlPlane.pid());
      System.out.println("control plane log: " + log);
    } finally {
      streams.forEach(Subscriber::close);
      controlPlane.destroy();
      controlPlane.waitFor(10, TimeUnit.SECONDS);
      server.destroy();
    }
  }

  private static double percentile(List<Long> nanos, int percentile) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  /** Heap after a full GC (jcmd) and resident set size (/proc) of the control plane process. */
  private static void memory(long pid) throws Exception {
    Process gc = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.run").redirectErrorStream(true).start();
    gc.getInputStream().readAllBytes();
    gc.waitFor();
    Process heap = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
    String heapInfo = new String(heap.getInputStream().readAllBytes());
    heap.waitFor();
    String used = Arrays.stream(heapInfo.split("\n")).filter(l -> l.contains("used")).findFirst().orElse("?").strip();
    String rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
    System.out.println("control plane heap after full GC: " + used);
    System.out.println("control plane " + rss);
  }

  private static void awaitPort(int port, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("the control plane did not open port " + port);
  }

  /**
   * One ADS stream subscribed to the endpoints of every Link, ACKing each response the way a proxy
   * does; it remembers the addresses of each ClusterLoadAssignment and when they last changed.
   */
  private static final class Subscriber {
    private final ManagedChannel channel;
    private final StreamObserver<DiscoveryRequest> requests;
    private final Map<String, List<String>> addresses = new ConcurrentHashMap<>();
    private final Map<String, Long> changedAt = new ConcurrentHashMap<>();
    private final Object lock = new Object();

    Subscriber(String node, int port, List<String> names) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().maxInboundMessageSize(256 << 20).build();
      DiscoveryRequest subscribe = DiscoveryRequest.newBuilder()
          .setNode(Node.newBuilder().setId(node))
          .setTypeUrl(EDS)
          .addAllResourceNames(names)
          .build();
      StreamObserver<DiscoveryRequest>[] self = new StreamObserver[1];
      requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
        @Override
        public void onNext(DiscoveryResponse response) {
          long now = System.nanoTime();
          for (var resource : response.getResourcesList()) {
            try {
              ClusterLoadAssignment assignment = resource.unpack(ClusterLoadAssignment.class);
              List<String> next = assignment.getEndpointsList().stream()
                  .flatMap(locality -> locality.getLbEndpointsList().stream())
                  .map(LbEndpoint::getEndpoint)
                  .map(e -> e.getAddress().getSocketAddress().getAddress())
                  .toList();
              if (!next.equals(addresses.put(assignment.getClusterName(), next))) {
                changedAt.put(assignment.getClusterName(), now);
              }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
              throw new IllegalStateException(e);
            }
          }
          synchronized (lock) {
            lock.notifyAll();
          }
          self[0].onNext(subscribe.toBuilder().setVersionInfo(response.getVersionInfo())
              .setResponseNonce(response.getNonce()).build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      });
      self[0] = requests;
      requests.onNext(subscribe);
    }

    void awaitComplete(int count, Duration timeout) throws InterruptedException {
      await(() -> addresses.size() >= count, timeout, "all " + count + " endpoint sets");
    }

    /** When {@code address} arrived in {@code cluster}'s endpoints (System.nanoTime). */
    long awaitAddress(String cluster, String address, Duration timeout) throws InterruptedException {
      await(() -> addresses.getOrDefault(cluster, List.of()).contains(address), timeout, address + " in " + cluster);
      return changedAt.get(cluster);
    }

    private void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (lock) {
        while (!condition.getAsBoolean()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IllegalStateException("timed out waiting for " + what);
          }
          TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
      }
    }

    void close() {
      requests.onCompleted();
      channel.shutdownNow();
    }
  }
}
