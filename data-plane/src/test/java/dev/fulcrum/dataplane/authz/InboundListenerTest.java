package dev.fulcrum.dataplane.authz;

import static dev.fulcrum.dataplane.authz.TestPolicies.allowing;
import static dev.fulcrum.dataplane.authz.TestPolicies.denyAll;
import static dev.fulcrum.dataplane.authz.TestPolicies.enforcing;
import static dev.fulcrum.dataplane.authz.TestPolicies.listener;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import dev.fulcrum.contract.authz.InboundListenerName;
import dev.fulcrum.contract.identity.SpiffeId;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InboundListenerTest {
  private static final String NAME = new InboundListenerName("0.0.0.0:50051", Optional.of("default/echo"), Optional.empty())
      .toString();
  private static final InboundCall OTHER = InboundCall.of(
      Optional.of(SpiffeId.parse("spiffe://cluster.local/ns/default/sa/other")), "fulcrum.echo.v1.EchoService/Echo");
  private static final InboundCall CLIENT = InboundCall.of(
      Optional.of(SpiffeId.parse("spiffe://cluster.local/ns/default/sa/client")), "fulcrum.echo.v1.EchoService/Echo");

  private static String refusal(List<Any> resources) {
    return assertThrows(InvalidPolicyException.class, () -> InboundListener.policy(resources, NAME)).getMessage();
  }

  private static String refusal(Listener listener) {
    return refusal(List.of(Any.pack(listener)));
  }

  @Test
  void theRbacFilterOfTheNamedListenerIsItsPolicyAndOtherListenersAreIgnored() throws Exception {
    InboundPolicy policy = InboundListener.policy(List.of(
        Any.pack(listener("fulcrum/inbound/0.0.0.0:9?identity=default/else", enforcing(denyAll()))),
        Any.pack(listener(NAME, enforcing(allowing("default/echo-callers", "fulcrum.echo.v1.EchoService", "default/client"))))),
        NAME);
    assertEquals(Decision.Authz.ALLOW, policy.decide(CLIENT).authz());
    assertEquals(new Decision(Decision.Authz.DENY, "default/echo-callers"), policy.decide(OTHER));
  }

  @Test
  void aListenerWithoutTheRbacFilterIsRefusedNeverTakenAsAllowAll() {
    Listener routerOnly = listener(NAME, List.of(HttpFilter.newBuilder().setName("envoy.filters.http.router")
        .setTypedConfig(Any.pack(Router.getDefaultInstance())).build()));
    assertEquals("filter_chains[0].filters[0].typed_config.http_filters: no envoy.filters.http.rbac filter: a Listener"
        + " without a policy is refused, never taken as allow-all", refusal(routerOnly));
  }

  @Test
  void aMisshapenListenerIsRefusedNamingWhere() {
    assertEquals("filter_chains[0].filters[0]: absent: the policy is in its HTTP connection manager",
        refusal(Listener.newBuilder().setName(NAME).build()));
    Listener notHttp = Listener.newBuilder().setName(NAME).addFilterChains(FilterChain.newBuilder().addFilters(
        Filter.newBuilder().setName("envoy.filters.network.tcp_proxy").setTypedConfig(Any.pack(Router.getDefaultInstance()))))
        .build();
    assertEquals("filter_chains[0].filters[0].typed_config: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router'"
        + " is not an HttpConnectionManager", refusal(notHttp));
    Listener rbacNotRbac = listener(NAME, List.of(HttpFilter.newBuilder().setName(InboundListenerName.RBAC_FILTER)
        .setTypedConfig(Any.pack(Router.getDefaultInstance())).build()));
    assertEquals("filter_chains[0].filters[0].typed_config.http_filters[0].typed_config:"
        + " 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' is not an RBAC", refusal(rbacNotRbac));
    HttpFilter rbac = HttpFilter.newBuilder().setName(InboundListenerName.RBAC_FILTER)
        .setTypedConfig(Any.pack(enforcing(denyAll()))).build();
    assertEquals("filter_chains[0].filters[0].typed_config.http_filters[1]: a second envoy.filters.http.rbac filter"
        + " (the sidecar enforces one policy)", refusal(listener(NAME, List.of(rbac, rbac))));
    assertEquals("filter_chains[0].filters[0].typed_config.http_filters[0].disabled: true: the sidecar has no routes to"
        + " enable it on", refusal(listener(NAME, List.of(rbac.toBuilder().setDisabled(true).build()))));
  }

  @Test
  void aResponseWithoutTheListenerOrWithAnotherTypeIsRefused() {
    assertEquals("resources: no Listener " + NAME + " (without it, no call is let in)", refusal(List.of()));
    assertEquals("resources[0]: a type.googleapis.com/envoy.config.cluster.v3.Cluster, not a Listener",
        refusal(List.of(Any.pack(Cluster.newBuilder().setName(NAME).build()))));
  }

  @Test
  void errorsInsideThePolicyNameTheirField() {
    io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC rbac = enforcing(TestPolicies.rules(
        io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.LOG, java.util.Map.of()));
    assertEquals("RBAC.rules.action: LOG is not enforced (ALLOW or DENY are)", refusal(listener(NAME, rbac)));
  }
}
