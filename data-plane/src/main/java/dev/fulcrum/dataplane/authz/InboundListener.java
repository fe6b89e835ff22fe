package dev.fulcrum.dataplane.authz;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fulcrum.contract.authz.InboundListenerName;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;

/**
 * Where the inbound policy sits in the Listener the control plane sends a sidecar:
 * {@code filter_chains[0].filters[0]} is the HTTP connection manager, whose HTTP filter
 * {@link InboundListenerName#RBAC_FILTER} holds the RBAC. A Listener without it is invalid, never
 * an open door. (The Listener's DownstreamTlsContext is for proxyless servers: the sidecar's TLS
 * is its own.)
 */
public final class InboundListener {
  public static final String TYPE_URL = dev.fulcrum.dataplane.xds.ListenerSubscription.TYPE_URL;
  static final String HTTP_CONNECTION_MANAGER_TYPE_URL =
      "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
  static final String RBAC_TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC";

  private InboundListener() {}

  /** The policy of the Listener {@code name} among a response's {@code resources} (others are ignored). */
  public static InboundPolicy policy(List<Any> resources, String name) throws InvalidPolicyException {
    for (int i = 0; i < resources.size(); i++) {
      Any resource = resources.get(i);
      if (!resource.getTypeUrl().equals(TYPE_URL)) {
        throw new InvalidPolicyException("resources[" + i + "]", "a " + resource.getTypeUrl() + ", not a Listener");
      }
      Listener listener = unpack(resource, Listener.class, "resources[" + i + "]");
      if (listener.getName().equals(name)) {
        return policy(listener);
      }
    }
    throw new InvalidPolicyException("resources", "no Listener " + name + " (without it, no call is let in)");
  }

  /** The policy {@code listener} holds. */
  public static InboundPolicy policy(Listener listener) throws InvalidPolicyException {
    if (listener.getFilterChainsCount() == 0 || listener.getFilterChains(0).getFiltersCount() == 0) {
      throw new InvalidPolicyException("filter_chains[0].filters[0]", "absent: the policy is in its HTTP connection manager");
    }
    String at = "filter_chains[0].filters[0]";
    Filter filter = listener.getFilterChains(0).getFilters(0);
    if (!filter.getTypedConfig().getTypeUrl().equals(HTTP_CONNECTION_MANAGER_TYPE_URL)) {
      throw new InvalidPolicyException(at + ".typed_config", "'" + filter.getTypedConfig().getTypeUrl()
          + "' is not an HttpConnectionManager");
    }
    HttpConnectionManager manager = unpack(filter.getTypedConfig(), HttpConnectionManager.class, at + ".typed_config");
    String filters = at + ".typed_config.http_filters";
    Integer found = null;
    for (int i = 0; i < manager.getHttpFiltersCount(); i++) {
      if (manager.getHttpFilters(i).getName().equals(InboundListenerName.RBAC_FILTER)) {
        if (found != null) {
          throw new InvalidPolicyException(filters + "[" + i + "]", "a second " + InboundListenerName.RBAC_FILTER
              + " filter (the sidecar enforces one policy)");
        }
        found = i;
      }
    }
    if (found == null) {
      throw new InvalidPolicyException(filters, "no " + InboundListenerName.RBAC_FILTER
          + " filter: a Listener without a policy is refused, never taken as allow-all");
    }
    String rbacAt = filters + "[" + found + "]";
    HttpFilter rbac = manager.getHttpFilters(found);
    if (rbac.getDisabled()) {
      throw new InvalidPolicyException(rbacAt + ".disabled", "true: the sidecar has no routes to enable it on");
    }
    if (!rbac.getTypedConfig().getTypeUrl().equals(RBAC_TYPE_URL)) {
      throw new InvalidPolicyException(rbacAt + ".typed_config", "'" + rbac.getTypedConfig().getTypeUrl() + "' is not an RBAC");
    }
    return InboundPolicy.of(unpack(rbac.getTypedConfig(), RBAC.class, rbacAt + ".typed_config"), "RBAC");
  }

  private static <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type, String field)
      throws InvalidPolicyException {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidPolicyException(field, "does not parse as a " + type.getSimpleName() + ": " + e.getMessage());
    }
  }
}
