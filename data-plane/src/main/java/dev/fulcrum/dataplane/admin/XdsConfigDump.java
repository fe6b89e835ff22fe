package dev.fulcrum.dataplane.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.xds.CsdsService;
import io.grpc.xds.shaded.com.github.xds.type.v3.TypedStruct;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.listener.v3.Listener;
import io.grpc.xds.shaded.io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.grpc.xds.shaded.io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.grpc.xds.shaded.io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.grpc.xds.shaded.io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.grpc.xds.shaded.io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.grpc.xds.shaded.io.envoyproxy.envoy.service.status.v3.ClientStatusDiscoveryServiceGrpc;
import io.grpc.xds.shaded.io.envoyproxy.envoy.service.status.v3.ClientStatusRequest;
import io.grpc.xds.shaded.io.envoyproxy.envoy.service.status.v3.ClientStatusResponse;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The xDS configuration this proxy has applied, as JSON: asked of grpc-xds's own Client Status
 * Discovery Service (CSDS), served in-process, so it is exactly what grpc-xds holds.
 */
final class XdsConfigDump implements AutoCloseable {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().usingTypeRegistry(TypeRegistry.newBuilder()
      .add(Listener.getDescriptor())
      .add(RouteConfiguration.getDescriptor())
      .add(Cluster.getDescriptor())
      .add(ClusterLoadAssignment.getDescriptor())
      .add(HttpConnectionManager.getDescriptor())
      .add(Router.getDescriptor())
      .add(TypedStruct.getDescriptor())
      .add(RoundRobin.getDescriptor())
      .add(LeastRequest.getDescriptor())
      .build());

  private final Server server;
  private final ManagedChannel channel;

  XdsConfigDump() throws IOException {
    String name = "fulcrum-csds-" + System.identityHashCode(this);
    server = InProcessServerBuilder.forName(name).directExecutor().addService(CsdsService.newInstance()).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  String json() throws InvalidProtocolBufferException {
    return PRINTER.print(status());
  }

  /** Every resource grpc-xds has asked for, with its status and the version it applied. */
  ClientStatusResponse status() {
    return ClientStatusDiscoveryServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .fetchClientStatus(ClientStatusRequest.getDefaultInstance());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
  }
}
