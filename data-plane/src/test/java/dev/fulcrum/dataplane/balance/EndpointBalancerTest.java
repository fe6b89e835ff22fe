package dev.fulcrum.dataplane.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.contract.BalancingConfig;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ChannelLogger;
import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.ResolvedAddresses;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.LoadBalancer.SubchannelPicker;
import io.grpc.LoadBalancer.SubchannelStateListener;
import io.grpc.LoadBalancer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The balancer with a fake channel: endpoints made READY by hand, picks made as grpc would. */
class EndpointBalancerTest {
  private static final Metadata.Key<String> PREVIOUS_ATTEMPTS =
      Metadata.Key.of("grpc-previous-rpc-attempts", Metadata.ASCII_STRING_MARSHALLER);
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      return new byte[0];
    }
  };
  private static final MethodDescriptor<byte[], byte[]> METHOD = MethodDescriptor.newBuilder(BYTES, BYTES)
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("pkg.Svc/Get")
      .build();

  private final SynchronizationContext sync = new SynchronizationContext((thread, e) -> {
    throw new AssertionError(e);
  });
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<FakeSubchannel> subchannels = new ArrayList<>();
  private ConnectivityState state;
  private SubchannelPicker picker;

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private final class FakeSubchannel extends Subchannel {
    final List<EquivalentAddressGroup> addresses;
    SubchannelStateListener listener;
    boolean shutdown;

    FakeSubchannel(List<EquivalentAddressGroup> addresses) {
      this.addresses = addresses;
    }

    @Override
    public void start(SubchannelStateListener listener) {
      this.listener = listener;
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public void requestConnection() {}

    @Override
    public List<EquivalentAddressGroup> getAllAddresses() {
      return addresses;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return LOGGER;
    }

    void become(ConnectivityStateInfo info) {
      sync.execute(() -> listener.onSubchannelState(info));
    }
  }

  private static final ChannelLogger LOGGER = new ChannelLogger() {
    @Override
    public void log(ChannelLogLevel level, String message) {}

    @Override
    public void log(ChannelLogLevel level, String messageFormat, Object... args) {}
  };

  private final LoadBalancer.Helper helper = new LoadBalancer.Helper() {
    @Override
    public Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
      FakeSubchannel subchannel = new FakeSubchannel(args.getAddresses());
      subchannels.add(subchannel);
      return subchannel;
    }

    @Override
    public void updateBalancingState(ConnectivityState newState, SubchannelPicker newPicker) {
      state = newState;
      picker = newPicker;
    }

    @Override
    public SynchronizationContext getSynchronizationContext() {
      return sync;
    }

    @Override
    public ScheduledExecutorService getScheduledExecutorService() {
      return timer;
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return LOGGER;
    }

    @Override
    public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String getAuthority() {
      return "svc.example:443";
    }

    @Override
    public void refreshNameResolution() {}
  };

  /** A balancer of {@code provider} over {@code endpoints} endpoints, all READY. */
  private LoadBalancer ready(FulcrumLoadBalancerProvider provider, int endpoints, BalancingConfig config) {
    LoadBalancer balancer = provider.newLoadBalancer(helper);
    List<EquivalentAddressGroup> addresses = new ArrayList<>();
    for (int i = 1; i <= endpoints; i++) {
      addresses.add(new EquivalentAddressGroup(new InetSocketAddress("10.0.0." + i, 7000 + i)));
    }
    sync.execute(() -> {
      Status status = balancer.acceptResolvedAddresses(ResolvedAddresses.newBuilder()
          .setAddresses(addresses)
          .setLoadBalancingPolicyConfig(config)
          .build());
      assertTrue(status.isOk(), status.toString());
    });
    assertEquals(endpoints, subchannels.size());
    subchannels.forEach(s -> s.become(ConnectivityStateInfo.forNonError(ConnectivityState.READY)));
    assertEquals(ConnectivityState.READY, state);
    return balancer;
  }

  private static PickSubchannelArgs args(CallOptions options, int previousAttempts) {
    Metadata headers = new Metadata();
    if (previousAttempts > 0) {
      headers.put(PREVIOUS_ATTEMPTS, Integer.toString(previousAttempts));
    }
    return new PickSubchannelArgs() {
      @Override
      public CallOptions getCallOptions() {
        return options;
      }

      @Override
      public Metadata getHeaders() {
        return headers;
      }

      @Override
      public MethodDescriptor<?, ?> getMethodDescriptor() {
        return METHOD;
      }
    };
  }

  private PickResult pick() {
    return picker.pickSubchannel(args(CallOptions.DEFAULT, 0));
  }

  private static ClientStreamTracer open(PickResult result) {
    return result.getStreamTracerFactory().newClientStreamTracer(
        ClientStreamTracer.StreamInfo.newBuilder().build(), new Metadata());
  }

  @Test
  void roundRobinVisitsEveryReadyEndpointInTurn() {
    ready(new RoundRobinProvider(), 3, BalancingConfig.DEFAULT);

    List<Subchannel> picked = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      PickResult result = pick();
      assertTrue(result.getStatus().isOk(), result.toString());
      picked.add(result.getSubchannel());
    }

    assertEquals(3, new HashSet<>(picked.subList(0, 3)).size(), picked.toString());
    assertEquals(picked.subList(0, 3), picked.subList(3, 6));
    assertTrue(subchannels.containsAll(picked));
  }

  @Test
  void everyPickCarriesItsEndpointsLoadTracer() {
    ready(new LeastLoadedProvider(), 2, BalancingConfig.DEFAULT);

    PickResult first = pick();
    assertNotNull(first.getStreamTracerFactory());
    ClientStreamTracer stream = open(first); // one call in flight on the first endpoint
    for (int i = 0; i < 20; i++) {
      assertNotEquals(first.getSubchannel(), pick().getSubchannel(), "least-loaded avoids the busy endpoint");
    }

    PickResult second = pick();
    ClientStreamTracer other = open(second); // one call on each
    stream.streamClosed(Status.OK); // the first is idle again: the least loaded
    for (int i = 0; i < 20; i++) {
      assertSame(first.getSubchannel(), pick().getSubchannel());
    }
    other.streamClosed(Status.OK);
  }

  @Test
  void aRetryGoesToAnEndpointTheCallHasNotTried() {
    ready(new LeastLoadedProvider(), 3, BalancingConfig.DEFAULT);
    CallOptions options = CallOptions.DEFAULT.withOption(CallAttempts.KEY, new CallAttempts());

    Set<Subchannel> tried = new HashSet<>();
    for (int attempt = 0; attempt < 3; attempt++) {
      PickResult result = picker.pickSubchannel(args(options, attempt));
      assertTrue(result.getStatus().isOk(), result.toString());
      assertTrue(tried.add(result.getSubchannel()), "attempt " + attempt + " went to a tried endpoint");
    }
    // Every endpoint tried: a further retry may go anywhere.
    assertTrue(tried.contains(picker.pickSubchannel(args(options, 3)).getSubchannel()));
  }

  @Test
  void withoutAttemptsARetryMayGoAnywhere() {
    ready(new RoundRobinProvider(), 1, BalancingConfig.DEFAULT);

    PickResult retry = picker.pickSubchannel(args(CallOptions.DEFAULT, 1));

    assertSame(subchannels.get(0), retry.getSubchannel());
  }

  @Test
  void retriesBeyondTheBudgetAreDropped() {
    // Retries may add half the calls, and no minimum.
    ready(new RandomProvider(), 2, new BalancingConfig(0.5, 0, Duration.ofSeconds(10), Duration.ofMillis(30)));

    pick();
    pick();
    PickResult allowed = picker.pickSubchannel(args(CallOptions.DEFAULT, 1));
    PickResult dropped = picker.pickSubchannel(args(CallOptions.DEFAULT, 1));

    assertTrue(allowed.getStatus().isOk());
    assertNotNull(allowed.getSubchannel());
    assertTrue(dropped.isDrop(), dropped.toString());
    assertNull(dropped.getSubchannel());
    assertEquals(Status.Code.UNAVAILABLE, dropped.getStatus().getCode());
    assertEquals("fulcrum: not retried, the retry budget is spent", dropped.getStatus().getDescription());
  }

  @Test
  void connectingUntilAnEndpointIsReady() {
    LoadBalancer balancer = new PeakEwmaProvider().newLoadBalancer(helper);
    sync.execute(() -> balancer.acceptResolvedAddresses(ResolvedAddresses.newBuilder()
        .setAddresses(List.of(new EquivalentAddressGroup(new InetSocketAddress("10.0.0.1", 7001))))
        .build()));

    assertEquals(ConnectivityState.CONNECTING, state);
    PickResult result = pick();
    assertTrue(result.getStatus().isOk());
    assertNull(result.getSubchannel(), "the call waits");

    subchannels.get(0).become(ConnectivityStateInfo.forNonError(ConnectivityState.READY));
    assertEquals(ConnectivityState.READY, state);
    assertSame(subchannels.get(0), pick().getSubchannel());
  }

  @Test
  void onlyReadyEndpointsArePicked() {
    ready(new RandomProvider(), 3, BalancingConfig.DEFAULT);
    subchannels.get(1).become(ConnectivityStateInfo.forTransientFailure(Status.UNAVAILABLE.withDescription("down")));

    for (int i = 0; i < 50; i++) {
      assertNotEquals(subchannels.get(1), pick().getSubchannel());
    }
  }

  @Test
  void everyEndpointFailingIsATransientFailure() {
    ready(new LeastLoadedProvider(), 2, BalancingConfig.DEFAULT);
    Status down = Status.UNAVAILABLE.withDescription("connection refused");
    subchannels.forEach(s -> s.become(ConnectivityStateInfo.forTransientFailure(down)));

    assertEquals(ConnectivityState.TRANSIENT_FAILURE, state);
    PickResult result = pick();
    assertEquals(Status.Code.UNAVAILABLE, result.getStatus().getCode());
  }

  @Test
  void shutdownShutsEveryEndpointDown() {
    LoadBalancer balancer = ready(new PeakEwmaProvider(), 2, BalancingConfig.DEFAULT);

    sync.execute(balancer::shutdown);

    assertTrue(subchannels.stream().allMatch(s -> s.shutdown));
  }

}
