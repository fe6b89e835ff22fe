package dev.fulcrum.dataplane.authz;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A control plane's ADS, on a real socket, driven by the test: it records every request and
 * answers what the test tells it to on the latest stream. It can be stopped and started again on
 * the same port, as a control plane restarts; {@code more} services (an identity service) share it.
 */
public final class TestAdsServer implements AutoCloseable {
  private final List<BindableService> more;
  private final BlockingQueue<DiscoveryRequest> requests = new LinkedBlockingQueue<>();
  private volatile StreamObserver<DiscoveryResponse> latest;
  private int port;
  private Server server;

  private TestAdsServer(List<BindableService> more) {
    this.more = more;
  }

  public static TestAdsServer start(BindableService... more) throws IOException {
    TestAdsServer ads = new TestAdsServer(Arrays.asList(more));
    ads.listen();
    return ads;
  }

  private void listen() throws IOException {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port),
            InsecureServerCredentials.create())
        .withOption(ChannelOption.SO_REUSEADDR, true)
        .addService(new Ads());
    more.forEach(builder::addService);
    server = builder.build().start();
    port = server.getPort();
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  /** The next request the proxy sent, on any stream; fails after 10 s without one. */
  public DiscoveryRequest nextRequest() throws InterruptedException {
    DiscoveryRequest request = requests.poll(10, TimeUnit.SECONDS);
    assertNotNull(request, "no request from the proxy within 10 s");
    return request;
  }

  /** Answers {@code listeners} on the latest stream. */
  public void respond(String version, String nonce, Listener... listeners) {
    respond(DiscoveryResponse.newBuilder()
        .setVersionInfo(version)
        .setNonce(nonce)
        .setTypeUrl(InboundListener.TYPE_URL)
        .addAllResources(Arrays.stream(listeners).map(Any::pack).toList())
        .build());
  }

  public void respond(DiscoveryResponse response) {
    latest.onNext(response);
  }

  /** Ends the latest stream with an error, the server staying up. */
  public void failStream() {
    latest.onError(Status.UNAVAILABLE.withDescription("the test ended the stream").asRuntimeException());
  }

  /** Stops, killing every stream, as a control plane going down. */
  public void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Starts again on the same port. */
  public void restart() throws IOException {
    listen();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private final class Ads extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
    @Override
    public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> responses) {
      latest = responses;
      return new StreamObserver<>() {
        @Override
        public void onNext(DiscoveryRequest request) {
          requests.add(request);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          responses.onCompleted();
        }
      };
    }
  }
}
