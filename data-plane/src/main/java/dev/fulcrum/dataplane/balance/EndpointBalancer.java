package dev.fulcrum.dataplane.balance;

import io.grpc.ConnectivityState;
import io.grpc.LoadBalancer;
import io.grpc.Status;
import io.grpc.util.MultiChildLoadBalancer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The load balancer behind Fulcrum's strategies: one pick-first child per endpoint (so each keeps
 * its own cached connection), and a picker that lets a {@link Choice} choose among the READY ones
 * for every request.
 */
final class EndpointBalancer extends MultiChildLoadBalancer {
  private final Choice choice;
  private PeakEwmaConfig latency = PeakEwmaConfig.DEFAULT;

  EndpointBalancer(Helper helper, Choice choice) {
    super(helper);
    this.choice = choice;
  }

  @Override
  public Status acceptResolvedAddresses(ResolvedAddresses addresses) {
    if (addresses.getLoadBalancingPolicyConfig() instanceof PeakEwmaConfig config) {
      latency = config; // for endpoints added from now on
    }
    return super.acceptResolvedAddresses(addresses);
  }

  /** A child that keeps its endpoint's load across pickers. */
  private final class Endpoint extends ChildLbState {
    final EndpointLoad load = new EndpointLoad(latency.decayNanos(), latency.initialLatencyNanos(), System::nanoTime);

    Endpoint(Object key) {
      super(key, pickFirstLbProvider);
    }
  }

  @Override
  protected ChildLbState createChildLbState(Object key) {
    return new Endpoint(key);
  }

  @Override
  protected void updateOverallBalancingState() {
    List<ChildLbState> ready = getReadyChildren();
    if (!ready.isEmpty()) {
      List<Endpoint> endpoints = ready.stream().map(Endpoint.class::cast).toList();
      update(ConnectivityState.READY, new Picker(endpoints));
      return;
    }
    boolean connecting = getChildLbStates().stream().anyMatch(child ->
        child.getCurrentState() == ConnectivityState.CONNECTING || child.getCurrentState() == ConnectivityState.IDLE);
    if (connecting) {
      update(ConnectivityState.CONNECTING, new LoadBalancer.FixedResultPicker(PickResult.withNoResult()));
    } else {
      // Every endpoint failed: pass on the first one's failure, which says why.
      update(ConnectivityState.TRANSIENT_FAILURE, getChildLbStates().iterator().next().getCurrentPicker());
    }
  }

  private void update(ConnectivityState state, SubchannelPicker picker) {
    currentConnectivityState = state;
    getHelper().updateBalancingState(state, picker);
  }

  /** Chooses an endpoint per request, and counts the request on it until it closes. */
  private final class Picker extends SubchannelPicker {
    private final List<Endpoint> endpoints;
    private final List<EndpointLoad> loads;

    Picker(List<Endpoint> endpoints) {
      this.endpoints = endpoints;
      this.loads = endpoints.stream().map(e -> e.load).toList();
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      Endpoint endpoint = endpoints.get(choice.choose(loads, ThreadLocalRandom.current()));
      PickResult result = endpoint.getCurrentPicker().pickSubchannel(args);
      if (result.getSubchannel() == null) {
        return result;
      }
      return PickResult.withSubchannel(result.getSubchannel(), endpoint.load.tracerFactory());
    }

    @Override
    public String toString() {
      return choice + " over " + endpoints.size() + " endpoints";
    }
  }
}
