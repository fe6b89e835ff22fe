package dev.fulcrum.controlplane.xds;

import com.google.common.net.HostAndPort;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.authz.InboundListenerName;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.authz.MeshAuthorization;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import java.util.List;
import java.util.Optional;

/**
 * Every server's authorization policy at one moment: the Authorizations in force and the control
 * plane's default, from which each inbound Listener's RBAC filter is made for the name it is asked
 * by. An Authorization selects a server by identity, and by port when it names one. Immutable.
 */
public record InboundPolicies(List<MeshAuthorization> authorizations, DefaultInboundPolicy fallback, String trustDomain) {
  public static final InboundPolicies ALLOW_ALL = new InboundPolicies(List.of(), DefaultInboundPolicy.ALLOW,
      SpiffeId.DEFAULT_TRUST_DOMAIN);

  public InboundPolicies {
    authorizations = List.copyOf(authorizations);
  }

  /** The filter for the server that asks by {@code name}: its workload's default before the control plane's. */
  RBAC rbacFor(InboundListenerName name) {
    Optional<Integer> port = port(name.address());
    List<MeshAuthorization> selecting = name.identity()
        .map(identity -> authorizations.stream()
            .filter(policy -> policy.server().equals(identity))
            .filter(policy -> policy.port().isEmpty() || policy.port().equals(port))
            .toList())
        .orElse(List.of());
    return InboundRbac.of(selecting, name.defaultPolicy().orElse(fallback), trustDomain);
  }

  private static Optional<Integer> port(String address) {
    try {
      HostAndPort hostAndPort = HostAndPort.fromString(address);
      return hostAndPort.hasPort() ? Optional.of(hostAndPort.getPort()) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
