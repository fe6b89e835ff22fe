package dev.fulcrum.dataplane.balance;

import dev.fulcrum.contract.BalancingConfig;
import io.grpc.ConnectivityState;
import io.grpc.LoadBalancer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.util.MultiChildLoadBalancer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load balancer behind Fulcrum's strategies: one pick-first child per endpoint (so each keeps
 * its own cached connection), and a picker that lets a {@link Choice} choose among the READY ones
 * for every request. A retry goes to an endpoint its call has not tried yet, if there is one, and
 * only while the {@link RetryBudget} allows.
 */
final class EndpointBalancer extends MultiChildLoadBalancer {
  /** grpc sets this header on every retry attempt (gRFC A6). */
  private static final Metadata.Key<String> PREVIOUS_ATTEMPTS =
      Metadata.Key.of("grpc-previous-rpc-attempts", Metadata.ASCII_STRING_MARSHALLER);

  private final Choice choice;
  private final AtomicLong tickets = new AtomicLong(ThreadLocalRandom.current().nextInt());
  private BalancingConfig config = BalancingConfig.DEFAULT;
  private RetryBudget budget = newBudget(config);

  EndpointBalancer(Helper helper, Choice choice) {
    super(helper);
    this.choice = choice;
  }

  private static RetryBudget newBudget(BalancingConfig config) {
    return new RetryBudget(config.retryBudgetRatio(), config.minRetriesPerSecond(), System::nanoTime);
  }

  @Override
  public Status acceptResolvedAddresses(ResolvedAddresses addresses) {
    if (addresses.getLoadBalancingPolicyConfig() instanceof BalancingConfig next && !next.equals(config)) {
      config = next; // endpoints added from now on use its latency tuning
      budget = newBudget(next);
    }
    return super.acceptResolvedAddresses(addresses);
  }

  /** A child that keeps its endpoint's load across pickers. */
  private final class Endpoint extends ChildLbState {
    final EndpointLoad load = new EndpointLoad(config.decay().toNanos(), config.defaultRtt().toNanos(), System::nanoTime);

    Endpoint(Object key) {
      super(key, pickFirstLbProvider);
    }

    /**
     * An endpoint whose connection closed (the backend restarted, or sent GOAWAY) goes IDLE, and the
     * picker only picks READY ones: reconnect at once, as grpc's round_robin does, or it would never
     * take calls again.
     */
    @Override
    protected ChildLbStateHelper createChildHelper() {
      return new ChildLbStateHelper() {
        @Override
        public void updateBalancingState(ConnectivityState newState, SubchannelPicker newPicker) {
          super.updateBalancingState(newState, newPicker);
          if (!resolvingAddresses && newState == ConnectivityState.IDLE) {
            getLb().requestConnection();
          }
        }
      };
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
      update(ConnectivityState.READY, new Picker(ready.stream().map(Endpoint.class::cast).toList(), budget));
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
    private final RetryBudget budget;

    Picker(List<Endpoint> endpoints, RetryBudget budget) {
      this.endpoints = endpoints;
      this.loads = endpoints.stream().map(e -> e.load).toList();
      this.budget = budget;
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      CallAttempts attempts = args.getCallOptions().getOption(CallAttempts.KEY);
      if (args.getHeaders().containsKey(PREVIOUS_ATTEMPTS)) {
        if (!budget.tryRetry()) {
          // Not retried: the caller gets the failure it would have had without retries.
          Status failure = attempts != null ? attempts.lastFailure() : Status.UNAVAILABLE;
          return PickResult.withDrop(failure.augmentDescription("fulcrum: not retried, the retry budget is spent"));
        }
      } else {
        budget.recordCall();
      }
      Endpoint endpoint = choose(attempts);
      if (attempts != null) {
        attempts.record(endpoint.getKey());
      }
      PickResult result = endpoint.getCurrentPicker().pickSubchannel(args);
      if (result.getSubchannel() == null) {
        return result;
      }
      return PickResult.withSubchannel(result.getSubchannel(), endpoint.load.tracerFactory());
    }

    /** The strategy's choice among the endpoints this call has not tried (all, on a first attempt). */
    private Endpoint choose(CallAttempts attempts) {
      long ticket = tickets.getAndIncrement();
      ThreadLocalRandom random = ThreadLocalRandom.current();
      // A first attempt has nothing to avoid: spare the common path the filtering and its lists.
      if (attempts != null && !attempts.none()) {
        List<Endpoint> untried = endpoints.stream().filter(e -> !attempts.tried(e.getKey())).toList();
        if (!untried.isEmpty() && untried.size() < endpoints.size()) {
          return untried.get(choice.choose(untried.stream().map(e -> e.load).toList(), random, ticket));
        }
      }
      return endpoints.get(choice.choose(loads, random, ticket));
    }

    @Override
    public String toString() {
      return choice + " over " + endpoints.size() + " endpoints";
    }
  }
}
